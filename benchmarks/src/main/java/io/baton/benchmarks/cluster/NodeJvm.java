package io.baton.benchmarks.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One node JVM started by the driver: its process, and what it last reported ({@link
 * NodeReports}). A daemon reader thread owns the process's merged output: it copies every line to
 * the node's log file and records the report lines; the driver reads those under this object's
 * monitor and waits on it.
 *
 * <p>Every started process is also kept in {@link #STARTED}, so that {@link #killAll} (called in a
 * {@code finally} and from a shutdown hook) stops every one of them by PID, however the driver
 * ends. Nodes are started with {@value NodeReports#EXIT_WITH_PARENT} as well, for a driver killed
 * with SIGKILL.
 */
final class NodeJvm {

  private static final List<Process> STARTED = new CopyOnWriteArrayList<>();

  final String name;
  final Process process;
  private int membersUp = -1; // guarded by this
  private boolean listening; // guarded by this

  private NodeJvm(String name, Process process) {
    this.name = name;
    this.process = process;
  }

  static NodeJvm start(String name, List<String> command, Path log) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    STARTED.add(process);
    NodeJvm node = new NodeJvm(name, process);
    Thread reader = new Thread(() -> node.copyOutput(log), "node-output-" + name);
    reader.setDaemon(true);
    reader.start();
    return node;
  }

  /** Waits until the node sees {@code members} members Up and listens for HTTP. */
  synchronized boolean awaitReady(int members, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!(membersUp == members && listening)) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !process.isAlive()) {
        return false;
      }
      wait(Math.max(1, Math.min(200, left / 1_000_000)));
    }
    return true;
  }

  synchronized String describe() {
    return name + " (pid " + process.pid() + ", alive " + process.isAlive() + ", members Up "
        + membersUp + ", HTTP " + (listening ? "listening" : "not listening") + ")";
  }

  /** SIGKILL, and wait until the process is gone; true if it is. */
  boolean kill9(Duration timeout) throws InterruptedException {
    process.toHandle().destroyForcibly();
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Kills every node process this JVM started, by PID, and waits for each to exit. */
  static void killAll() {
    for (Process process : STARTED) {
      process.toHandle().destroyForcibly();
    }
    for (Process process : STARTED) {
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    STARTED.removeIf(process -> !process.isAlive());
  }

  private void copyOutput(Path log) {
    try (BufferedReader lines = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Writer file = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      file.write("--- " + name + " pid " + process.pid() + "\n");
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        file.write(line + "\n");
        file.flush();
        if (line.startsWith(NodeReports.PREFIX)) {
          report(line.substring(NodeReports.PREFIX.length()));
        }
      }
    } catch (IOException e) {
      // The process died and its pipe broke: nothing more to read.
    }
    synchronized (this) {
      notifyAll();
    }
  }

  private synchronized void report(String line) {
    String[] words = line.split(" ");
    if (words[0].equals("MEMBERS-UP")) {
      membersUp = Integer.parseInt(words[1]);
    } else if (words[0].equals("HTTP")) {
      listening = true;
    }
    notifyAll();
  }
}
