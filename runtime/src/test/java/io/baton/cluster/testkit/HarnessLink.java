package io.baton.cluster.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The node side of {@link LocalCluster}'s link to a node JVM, for the main class of a test node:
 * commands arrive as lines on standard input, reports leave as lines on standard output, and the
 * node halts as soon as the harness is gone.
 *
 * <p>The harness is gone when standard input reaches end of file (the test JVM holds the other end
 * of the pipe; the kernel closes it however that JVM dies, {@code kill -9} included) or when the
 * parent process exits. Either way the node halts at once with status {@link #HARNESS_GONE}, so no
 * node JVM outlives its test, even one whose test JVM was killed.
 */
public final class HarnessLink {

  /** The exit status of a node that halted because its harness went away. */
  public static final int HARNESS_GONE = 3;

  private HarnessLink() {}

  /**
   * Starts reading commands: each line of standard input is passed to {@code commands} on a daemon
   * thread, in order. An exception thrown by {@code commands} is reported as an {@code ERROR} line
   * and the next command is read. Call it once, early in {@code main}.
   */
  public static void start(Consumer<String> commands) {
    Thread reader =
        new Thread(() -> readCommands(commands), "harness-link-stdin");
    reader.setDaemon(true);
    reader.start();
    var parent = ProcessHandle.current().parent();
    if (parent.isEmpty() || !parent.get().isAlive()) {
      halt("parent process is gone");
    }
    parent.get().onExit().thenRun(() -> halt("parent process exited"));
  }

  /**
   * Prints one report line for the harness and flushes it. Lines never interleave with each other
   * or with log lines (both go through {@code System.out}, which writes a line at a time).
   */
  public static void report(String line) {
    synchronized (System.out) {
      System.out.println(line);
      System.out.flush();
    }
  }

  private static void readCommands(Consumer<String> commands) {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        String command = line.strip();
        if (command.isEmpty()) {
          continue;
        }
        try {
          commands.accept(command);
        } catch (RuntimeException e) {
          report("ERROR " + command + ": " + e);
        }
      }
      halt("standard input closed");
    } catch (IOException e) {
      halt("standard input failed: " + e); // a broken pipe means the same as end of file
    }
  }

  private static void halt(String why) {
    report("HARNESS-GONE " + why + ", halting");
    Runtime.getRuntime().halt(HARNESS_GONE);
  }
}
