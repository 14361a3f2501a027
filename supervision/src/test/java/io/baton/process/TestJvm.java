package io.baton.process;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A second JVM started by a test from the test class path: its output is copied to a log file
 * under {@code target/<dir>} and, line by line, to a queue the test reads with deadlines. It is
 * stopped by PID: {@link #terminate} (SIGTERM) or {@link #kill} (SIGKILL), and never outlives the
 * test when its main watches its standard input (see {@link RemoteNodeMain}).
 */
public final class TestJvm {

  private final Process process;
  private final Path log;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final CountDownLatch pumpDone = new CountDownLatch(1);

  private TestJvm(Process process, Path log) {
    this.process = process;
    this.log = log;
    Thread pump = new Thread(this::pump, "test-jvm-output-" + process.pid());
    pump.setDaemon(true);
    pump.start();
  }

  /** Starts {@code main} with {@code args}, tuned to start fast on 2 cores. */
  public static TestJvm start(Class<?> main, String dir, String name, String... args)
      throws IOException {
    Path logs = Path.of("target", dir);
    Files.createDirectories(logs);
    Path log = logs.resolve(name + ".log").toAbsolutePath();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(testClassPath());
    // Start fast on 2 cores: C1 only, one GC thread.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-Xmx256m");
    command.add(main.getName());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    return new TestJvm(process, log); // stdin stays a pipe: the child halts when it closes
  }

  /**
   * The test class path. Surefire publishes it as {@code surefire.test.class.path}; with its
   * manifest-only booter jar {@code java.class.path} may be just that jar (Surefire 3.5.4 sets both
   * to the full path), and outside Surefire (an IDE) {@code java.class.path} is the one to use.
   */
  static String testClassPath() {
    String path = System.getProperty("surefire.test.class.path");
    if (path == null || path.isBlank()) {
      path = System.getProperty("java.class.path");
    }
    return path;
  }

  private void pump() {
    try (BufferedReader in = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        out.println(line);
        out.flush();
        lines.add(line);
      }
    } catch (IOException e) {
      lines.add("test-jvm: output lost: " + e);
    } finally {
      pumpDone.countDown();
    }
  }

  /** The next line matching {@code wanted}, skipping others; fails after {@code within}. */
  public String awaitLine(Predicate<String> wanted, Duration within, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new AssertionError("no " + what + " within " + within + " (log: " + log + ")");
      }
      if (wanted.test(line)) {
        return line;
      }
    }
  }

  /**
   * Waits for the JVM to exit, then answers the lines it wrote that no {@link #awaitLine} took and
   * that {@code keep} accepts, in order.
   */
  public List<String> remainingLinesAfterExit(Predicate<String> keep, Duration within)
      throws InterruptedException {
    awaitExit(within);
    assertTrue(pumpDone.await(within.toMillis(), TimeUnit.MILLISECONDS),
        "the output of process " + process.pid() + " did not end after its exit");
    List<String> all = new ArrayList<>();
    lines.drainTo(all);
    return all.stream().filter(keep).toList();
  }

  /** The log file the JVM's output is copied to. */
  public Path log() {
    return log;
  }

  public long pid() {
    return process.pid();
  }

  /** SIGTERM by PID, through the process handle (a reused PID is never hit). */
  public void terminate() {
    process.toHandle().destroy();
  }

  /** SIGKILL by PID (kill -9), then waits until the process is gone. */
  public void kill() {
    process.toHandle().destroyForcibly();
    awaitExit(Duration.ofSeconds(30));
  }

  /** Waits for the JVM to exit; fails after {@code within}. */
  public void awaitExit(Duration within) {
    try {
      assertTrue(process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS),
          "process " + process.pid() + " still alive after " + within + " (log: " + log + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for process " + process.pid(), e);
    }
  }

  /** Closes its standard input, which makes a main that watches it halt. */
  public void closeInput() throws IOException {
    process.getOutputStream().close();
  }
}
