package io.baton.benchmarks.cluster;

import io.baton.load.AttemptPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The command line of {@link ClusterBenchmark}, as {@code --key=value} options, with the defaults
 * of the full run that {@code benchmarks/run-cluster.sh} makes.
 *
 * @param target which set-up to measure
 * @param runs how many runs, each on a fresh 3-node cluster (default 5)
 * @param entities how many counters (default 60)
 * @param rate the total request rate the load aims at, per second (default 200); each counter is
 *     incremented every {@code entities / rate} seconds, or as soon as its previous request ended
 *     if that took longer
 * @param warmUp how long the load runs before the kill, after every counter answered (default 5 s)
 * @param tail how long the load goes on after the last affected counter recovered (default 12 s:
 *     longer than the clients' 10 s deadline, so that what the kill did to the other counters, a
 *     request stuck since the kill, shows in the failures)
 * @param maxWait how long after the kill the run waits for the recovery at most (default 120 s)
 * @param victim which node is killed, 1-3: {@code --kill=node3} (the default), {@code --kill=node1}
 *     or {@code --kill=coordinator} (node 1 is the only seed, so the oldest node, and hosts the
 *     shard coordinator), or {@code --victim=N}
 * @param policy the open-loop load's attempts: {@code --attempt-timeout=MS} (default 1500) and
 *     {@code --give-up=MS} (default 10000; a request not answered by then is failed)
 * @param heap the node JVMs' maximum heap (default 512m)
 * @param workDir where the nodes keep their data and logs
 * @param out the JSON file the results go to
 * @param jdbcUrl the shared PostgreSQL database of the stock targets
 */
record ClusterSettings(ClusterTarget target, int runs, int entities, double rate,
    Duration warmUp, Duration tail, Duration maxWait, int victim, AttemptPolicy policy,
    String heap, Path workDir, Path out, String jdbcUrl, String jdbcUser) {

  private static final Set<String> KEYS = Set.of("target", "runs", "entities", "rate", "warm-up",
      "tail", "max-wait", "victim", "kill", "attempt-timeout", "give-up", "heap", "work-dir",
      "out", "jdbc-url", "jdbc-user");

  ClusterSettings {
    if (runs < 1 || entities < 3 || !(rate > 0)) {
      throw new IllegalArgumentException("--runs must be at least 1 (is " + runs + "), --entities"
          + " at least 3 (is " + entities + "), --rate positive (is " + rate + ")");
    }
    if (victim < 1 || victim > ClusterBenchmark.NODES) {
      throw new IllegalArgumentException("--victim=" + victim + " is not a node: use 1-"
          + ClusterBenchmark.NODES);
    }
    if (target.stock() && (jdbcUrl == null || jdbcUrl.isBlank())) {
      throw new IllegalArgumentException("--target=" + target.id() + " needs"
          + " --jdbc-url=jdbc:postgresql://... (run-cluster.sh starts a PostgreSQL and passes it)");
    }
  }

  static ClusterSettings parse(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("option '" + arg + "' is not of the form --key=value;"
            + " keys: " + KEYS);
      }
      String key = arg.substring(2, eq);
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("unknown option --" + key + "; keys: " + KEYS);
      }
      options.put(key, arg.substring(eq + 1));
    }
    if (!options.containsKey("target") || !options.containsKey("out")
        || !options.containsKey("work-dir")) {
      throw new IllegalArgumentException("--target, --out and --work-dir are required");
    }
    return new ClusterSettings(
        ClusterTarget.of(options.get("target")),
        Integer.parseInt(options.getOrDefault("runs", "5")),
        Integer.parseInt(options.getOrDefault("entities", "60")),
        Double.parseDouble(options.getOrDefault("rate", "200")),
        Duration.ofMillis(Long.parseLong(options.getOrDefault("warm-up", "5000"))),
        Duration.ofMillis(Long.parseLong(options.getOrDefault("tail", "12000"))),
        Duration.ofMillis(Long.parseLong(options.getOrDefault("max-wait", "120000"))),
        victim(options),
        AttemptPolicy.of(
            Duration.ofMillis(Long.parseLong(options.getOrDefault("attempt-timeout", "1500"))),
            Duration.ofMillis(Long.parseLong(options.getOrDefault("give-up", "10000")))),
        options.getOrDefault("heap", "512m"),
        Path.of(options.get("work-dir")),
        Path.of(options.get("out")),
        options.get("jdbc-url"),
        options.getOrDefault("jdbc-user", "postgres"));
  }

  /** {@code --kill=node1|node2|node3|coordinator}, or {@code --victim=N}; node3 by default. */
  private static int victim(Map<String, String> options) {
    if (options.containsKey("kill") && options.containsKey("victim")) {
      throw new IllegalArgumentException("give --kill or --victim, not both");
    }
    String kill = options.get("kill");
    if (kill == null) {
      return Integer.parseInt(options.getOrDefault("victim", "3"));
    }
    if (kill.equals("coordinator") || kill.equals("oldest")) {
      return 1; // the only seed: the oldest member, the shard coordinator's host
    }
    if (kill.matches("node[0-9]+")) {
      return Integer.parseInt(kill.substring(4));
    }
    throw new IllegalArgumentException("--kill=" + kill + " is not a node: use node1 (the"
        + " oldest node, the shard coordinator's host; also --kill=coordinator), node2 or node3");
  }

  /** The run's parameters, as recorded with the results. */
  ClusterResults.Parameters parameters() {
    return new ClusterResults.Parameters(runs, ClusterBenchmark.NODES, entities, rate,
        warmUp.toMillis(), tail.toMillis(), maxWait.toMillis(), "node" + victim, heap,
        policy.attemptTimeout().toMillis(), policy.giveUp().toMillis());
  }
}
