package io.baton.benchmarks.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Measures takeover after {@code kill -9} for one target ({@code --target}): {@code --runs} runs,
 * each on a fresh cluster of {@value #NODES} node JVMs on 127.0.0.1 ({@link ClusterRun}), and
 * writes the runs as JSON ({@code --out}); {@link ClusterReport} sets the targets side by side.
 * {@code benchmarks/run-cluster.sh} runs every target, each in a fresh driver JVM, against a
 * PostgreSQL it starts for the stock targets. Options: see {@link ClusterSettings}.
 *
 * <p>Every node JVM this driver starts is killed by PID when a run ends, when the driver fails,
 * and from a shutdown hook (SIGTERM, Ctrl-C); the nodes also halt when the driver's process is
 * gone.
 */
public final class ClusterBenchmark {

  /** Nodes per cluster. */
  static final int NODES = 3;

  private ClusterBenchmark() {}

  public static void main(String[] args) throws Exception {
    ClusterSettings settings;
    try {
      settings = ClusterSettings.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("cluster benchmark: " + e.getMessage());
      System.exit(2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(NodeJvm::killAll, "kill-node-jvms"));
    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, runnable -> {
      Thread thread = new Thread(runnable, "cluster-bench-scheduler");
      thread.setDaemon(true);
      return thread;
    });
    ClusterTarget target = settings.target();
    System.out.println("[" + target.id() + "] " + target.setUp());
    List<ClusterResults.Run> runs = new ArrayList<>();
    int failures = 0;
    try {
      for (int number = 1; number <= settings.runs(); number++) {
        try {
          runs.add(new ClusterRun(settings, number, scheduler).execute());
        } catch (RuntimeException e) {
          failures++;
          System.out.println("[" + target.id() + " run " + number + "] FAILED: " + e.getMessage());
          if (failures > settings.runs() / 2) {
            throw new IllegalStateException(failures + " of " + number + " runs failed; giving up",
                e);
          }
        }
      }
    } finally {
      NodeJvm.killAll();
    }
    Files.createDirectories(settings.out().toAbsolutePath().getParent());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(
        settings.out().toFile(), new ClusterResults.Target(target.id(), target.label(),
            target.setUp(), settings.parameters(), runs));
    System.out.println("results: " + settings.out());
    System.exit(runs.isEmpty() ? 1 : 0);
  }
}
