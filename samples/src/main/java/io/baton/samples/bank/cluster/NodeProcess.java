package io.baton.samples.bank.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * One incarnation of a {@link BankNode} JVM started by the demo: its process, and what it last
 * reported. A reader thread owns the process's (merged) output: it appends every line to the
 * node's log file and records the {@link BankNode#REPORT} lines; the demo's threads read those
 * under this object's monitor and wait on it for a change.
 */
final class NodeProcess {

  final String name;
  final Process process;
  private final List<String> reports = new ArrayList<>(); // guarded by this
  private int members = -1; // guarded by this
  private int shards = -1; // guarded by this
  private int release = -1; // guarded by this
  private int activeVersion = -1; // guarded by this

  private NodeProcess(String name, Process process) {
    this.name = name;
    this.process = process;
  }

  /** Starts {@code command} and a daemon thread that copies its output to {@code log}. */
  static NodeProcess start(String name, List<String> command, Path log) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    NodeProcess node = new NodeProcess(name, process);
    Thread reader = new Thread(() -> node.copyOutput(log), "bank-demo-output-" + name);
    reader.setDaemon(true);
    reader.start();
    return node;
  }

  long pid() {
    return process.pid();
  }

  synchronized int members() {
    return members;
  }

  synchronized int shards() {
    return shards;
  }

  /** The bank release the node runs ({@code RELEASE}), -1 until it said. */
  synchronized int release() {
    return release;
  }

  /** The schema version the node last said it writes accounts' state at, -1 until it said. */
  synchronized int activeVersion() {
    return activeVersion;
  }

  /** Waits until {@code condition} holds of this node's reports, or the process exits. */
  synchronized boolean await(Predicate<NodeProcess> condition, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.test(this)) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !process.isAlive()) {
        return condition.test(this);
      }
      wait(Math.max(1, Math.min(200, left / 1_000_000)));
    }
    return true;
  }

  /** Sends SIGKILL to the process by PID and waits until it has exited. */
  void kill9(Duration timeout) throws InterruptedException {
    process.toHandle().destroyForcibly();
    process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  private void copyOutput(Path log) {
    try (BufferedReader lines = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Writer file = Files.newBufferedWriter(log, StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      file.write("--- " + name + " pid " + process.pid() + "\n");
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        file.write(line + "\n");
        file.flush();
        if (line.startsWith(BankNode.REPORT)) {
          report(line.substring(BankNode.REPORT.length()));
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
    reports.add(line);
    String[] words = line.split(" ");
    if (words[0].equals("MEMBERS-UP")) {
      members = Integer.parseInt(words[1]);
    } else if (words[0].equals("SHARDS")) {
      shards = Integer.parseInt(words[1]);
    } else if (words[0].equals("RELEASE")) {
      release = Integer.parseInt(words[1]);
    } else if (words[0].equals("ACTIVE-VERSION")) {
      activeVersion = Integer.parseInt(words[1]);
    }
    notifyAll();
  }

  synchronized boolean reported(String prefix) {
    return reports.stream().anyMatch(r -> r.startsWith(prefix));
  }
}
