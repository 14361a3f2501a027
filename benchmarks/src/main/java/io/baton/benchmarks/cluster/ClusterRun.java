package io.baton.benchmarks.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;

/**
 * One run of the scenario on a fresh cluster: start {@value ClusterBenchmark#NODES} node JVMs
 * (node1 the only seed, so the oldest member and the shard coordinator's host), start the
 * open-loop load ({@link OpenCounterLoad}, phase {@code warm-up}) and wait until every counter
 * answered, let it run {@code warm-up} (phase {@code before}), {@code kill -9} the victim (phase
 * {@code fault}), wait until every counter that lived there, or stalled elsewhere, answered again
 * (phase {@code after}, for {@code tail}), stop the load (every request has its outcome), read
 * every counter, stop the nodes. See {@link TakeoverTimeline} for what counts as recovered; the
 * load's history is {@code history.jsonl} next to the nodes' logs.
 */
final class ClusterRun {

  static final String HOST = "127.0.0.1";
  private static final String CLUSTER = "bench";
  private static final Duration START = Duration.ofSeconds(120);
  private static final Duration CREATE = Duration.ofSeconds(60);
  private static final Duration READ = Duration.ofSeconds(60);

  private final ClusterSettings settings;
  private final int number;
  private final Path dir;
  private final Path logs;
  private final ScheduledExecutorService scheduler;
  private final List<NodeJvm> nodes = new ArrayList<>();

  ClusterRun(ClusterSettings settings, int number, ScheduledExecutorService scheduler) {
    this.settings = settings;
    this.number = number;
    this.dir = settings.workDir().resolve(settings.target().id() + "-run-" + number);
    String results = settings.out().getFileName().toString().replaceFirst("\\.json$", "");
    this.logs = settings.out().toAbsolutePath().getParent()
        .resolve(results + "-logs").resolve("run-" + number);
    this.scheduler = scheduler;
  }

  ClusterResults.Run execute() throws Exception {
    Files.createDirectories(dir);
    Files.createDirectories(logs);
    try {
      return measure();
    } finally {
      NodeJvm.killAll();
      deleteData();
    }
  }

  private ClusterResults.Run measure() throws Exception {
    List<Integer> ports = freePorts(2 * ClusterBenchmark.NODES);
    long startupBegin = System.nanoTime();
    for (int i = 0; i < ClusterBenchmark.NODES; i++) {
      nodes.add(NodeJvm.start("node" + (i + 1), command(i, ports),
          logs.resolve("node" + (i + 1) + ".log")));
    }
    for (NodeJvm node : nodes) {
      if (!node.awaitReady(ClusterBenchmark.NODES, START)) {
        throw new IllegalStateException(node.describe() + " did not see "
            + ClusterBenchmark.NODES + " members Up and listen within " + START + "; its log: "
            + logs.resolve(node.name + ".log"));
      }
    }
    double startup = (System.nanoTime() - startupBegin) / 1e9;
    log("cluster up in %.1f s", startup);

    List<URI> http = new ArrayList<>();
    for (int i = 0; i < ClusterBenchmark.NODES; i++) {
      http.add(URI.create("http://" + HOST + ":" + ports.get(ClusterBenchmark.NODES + i)));
    }
    CounterClient client = settings.target().stock()
        ? new PlainCounterClient(http, scheduler) : new BatonCounterClient(http, scheduler);
    // Unique per run: the stock targets share one database across runs.
    String prefix = "r" + Long.toString(System.currentTimeMillis(), 36) + "-" + number + "-e";
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < settings.entities(); i++) {
      ids.add(prefix + i);
    }
    // Every counter created and its shard homed before the open loop starts: an open loop at the
    // full rate against a cold cluster on 2 cores piles up thousands of requests in flight and
    // buries the start-up it would then measure (a closed loop waited for it).
    createEveryCounter(client, ids);
    try (OpenCounterLoad load = new OpenCounterLoad(http, ids, settings.rate(),
        settings.policy(), logs.resolve("history.jsonl"))) {
      load.start("warm-up");
      awaitEveryCounterAnswered(load);
      long steady = System.nanoTime();
      load.markPhase("before");
      Thread.sleep(settings.warmUp().toMillis()); // the warm-up's length itself

      NodeJvm victim = nodes.get(settings.victim() - 1);
      load.markPhase("fault");
      long kill = System.nanoTime();
      if (!victim.kill9(Duration.ofSeconds(10))) {
        throw new IllegalStateException(victim.describe() + " still runs 10 s after SIGKILL");
      }
      long dead = System.nanoTime();
      log("kill -9 %s (pid %d)%s", victim.name, victim.process.pid(), settings.victim() == 1
          ? ", the oldest node, the shard coordinator's host" : "");
      awaitTakeover(load, victim.name, kill, dead);
      long windowEnd = System.nanoTime();
      load.markPhase("after");
      Thread.sleep(settings.tail().toMillis()); // the tail's length itself
      load.stop();
      List<Answer> answers = load.answers();
      TakeoverTimeline.Result takeover =
          TakeoverTimeline.of(answers, victim.name, kill, dead, windowEnd);

      Map<Integer, Long> finalCounts = readAll(client, ids, settings.victim() - 1);
      return summarize(answers, takeover, finalCounts, steady, kill, startup, victim.name);
    }
  }

  /**
   * Reads every counter through the target's client, one round after the other (each read retried
   * by the client, a round at most every 500 ms) until each has answered once, within {@link
   * #CREATE}.
   */
  private void createEveryCounter(CounterClient client, List<String> ids)
      throws InterruptedException {
    long deadline = System.nanoTime() + CREATE.toNanos();
    java.util.Set<Integer> answered = new java.util.HashSet<>();
    for (int round = 0; answered.size() < ids.size(); round++) {
      if (System.nanoTime() >= deadline) {
        throw new IllegalStateException("only " + answered.size() + " of " + ids.size()
            + " counters answered a read within " + CREATE + " of the cluster's start; see the"
            + " nodes' logs in " + logs);
      }
      if (round > 0) {
        Thread.sleep(500); // pause between rounds of reads, bounded by the deadline
      }
      List<CompletableFuture<Answer>> reads = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        if (!answered.contains(i)) {
          reads.add(client.read(i, ids.get(i), i % ClusterBenchmark.NODES)
              .toCompletableFuture());
        }
      }
      for (CompletableFuture<Answer> read : reads) {
        Answer answer = read.join();
        if (answer.ok()) {
          answered.add(answer.entity());
        }
      }
    }
    log("all %d counters answered a read; starting the open-loop load", ids.size());
  }

  private void awaitEveryCounterAnswered(OpenCounterLoad load) throws InterruptedException {
    long deadline = System.nanoTime() + CREATE.toNanos();
    while (System.nanoTime() < deadline) {
      long answered = load.answers().stream().filter(Answer::ok).mapToInt(Answer::entity)
          .distinct().count();
      if (answered == settings.entities()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("not every counter answered within " + CREATE
        + " of the load's start; see the nodes' logs in " + logs);
  }

  private TakeoverTimeline.Result awaitTakeover(OpenCounterLoad load, String victim, long kill,
      long dead) throws InterruptedException {
    long deadline = kill + settings.maxWait().toNanos();
    TakeoverTimeline.Result result;
    do {
      Thread.sleep(100);
      result = TakeoverTimeline.of(load.answers(), victim, kill, dead);
      if (result.affected().isEmpty()) {
        log("no counter lived on %s: nothing to take over", victim);
        return result;
      }
    } while (!result.complete() && System.nanoTime() < deadline);
    int all = result.affected().size() + result.stalled().size();
    if (result.complete()) {
      log("all %d counters of %s and %d stalled elsewhere answer again, %.2f s after the kill",
          result.affected().size(), victim, result.stalled().size(),
          result.takeoverNanos() / 1e9);
    } else {
      log("only %d of %d counters (of %s, or stalled elsewhere) answered again within %s",
          result.recoveredAfterNanos().size(), all, victim, settings.maxWait());
    }
    return result;
  }

  /**
   * The count of every counter, read through the surviving nodes; a read that fails is tried again
   * (this is the consistency check, not the availability measurement) until {@link #READ}, after
   * which the counter is left out.
   */
  private Map<Integer, Long> readAll(CounterClient client, List<String> ids, int deadNode)
      throws InterruptedException {
    Map<Integer, Long> counts = new HashMap<>();
    long deadline = System.nanoTime() + READ.toNanos();
    for (int round = 0; counts.size() < ids.size() && System.nanoTime() < deadline; round++) {
      if (round > 0) {
        Thread.sleep(500);
      }
      List<CompletableFuture<Answer>> reads = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        if (!counts.containsKey(i)) {
          int entry = (deadNode + 1 + (i + round) % (ClusterBenchmark.NODES - 1))
              % ClusterBenchmark.NODES;
          reads.add(client.read(i, ids.get(i), entry).toCompletableFuture());
        }
      }
      for (CompletableFuture<Answer> read : reads) {
        Answer answer = read.join();
        if (answer.ok()) {
          counts.put(answer.entity(), answer.count());
        }
      }
    }
    return counts;
  }

  private ClusterResults.Run summarize(List<Answer> answers, TakeoverTimeline.Result takeover,
      Map<Integer, Long> finalCounts, long steady, long kill, double startup, String victim) {
    long requests = 0;
    long failedAtStart = 0;
    long retried = 0;
    long longest = 0;
    long lastEnd = steady;
    List<ClusterResults.Failure> failures = new ArrayList<>();
    List<Long> latencies = new ArrayList<>();
    Map<Integer, Long> acked = new HashMap<>();
    Map<Integer, Long> highestAckedCount = new HashMap<>();
    for (Answer answer : answers) {
      if (answer.ok()) {
        acked.merge(answer.entity(), 1L, Long::sum);
        highestAckedCount.merge(answer.entity(), answer.count(), Math::max);
      }
      if (answer.endNanos() < steady) {
        failedAtStart += answer.ok() ? 0 : 1;
        continue;
      }
      requests++;
      lastEnd = Math.max(lastEnd, answer.endNanos());
      if (answer.retried()) {
        retried++;
      }
      if (answer.ok()) {
        longest = Math.max(longest, answer.latencyNanos());
        if (answer.endNanos() < kill) {
          latencies.add(answer.latencyNanos());
        }
      } else {
        failures.add(new ClusterResults.Failure(answer.entity(),
            takeover.affected().contains(answer.entity()),
            Math.round((answer.startNanos() - kill) / 1e6),
            Math.round((answer.endNanos() - kill) / 1e6)));
      }
    }
    failures.sort(java.util.Comparator.comparingLong(ClusterResults.Failure::endMillis));
    long failedAfterKill = failures.stream().filter(f -> f.endMillis() >= 0).count();
    long lost = 0;
    long withoutAck = 0;
    long total = 0;
    long acknowledged = 0;
    for (int i = 0; i < settings.entities(); i++) {
      long ackedHere = acked.getOrDefault(i, 0L);
      acknowledged += ackedHere;
      Long count = finalCounts.get(i);
      if (count == null) {
        continue;
      }
      long needed = Math.max(ackedHere, highestAckedCount.getOrDefault(i, 0L));
      total += count;
      lost += Math.max(0, needed - count);
      withoutAck += Math.max(0, count - ackedHere);
    }
    latencies.sort(null);
    double p50 = latencies.isEmpty() ? -1 : nearestRank(latencies, 50) / 1e6;
    double p99 = latencies.isEmpty() ? -1 : nearestRank(latencies, 99) / 1e6;
    List<Long> recoveries = takeover.sortedRecoveries();
    double entityMedian = recoveries.isEmpty() ? -1
        : recoveries.get((recoveries.size() + 1) / 2 - 1) / 1e6;
    long faultEnd = kill + (takeover.complete() ? Math.max(0, takeover.takeoverNanos())
        : settings.maxWait().toNanos());
    List<Long> window = new ArrayList<>();
    long windowFailed = 0;
    for (Answer answer : answers) {
      if (answer.endNanos() > kill && answer.startNanos() <= faultEnd) {
        window.add(answer.latencyNanos());
        windowFailed += answer.ok() ? 0 : 1;
      }
    }
    window.sort(null);
    ClusterResults.Window faultWindow = new ClusterResults.Window(window.size(), windowFailed,
        window.isEmpty() ? -1 : nearestRank(window, 50) / 1e6,
        window.isEmpty() ? -1 : nearestRank(window, 99) / 1e6,
        window.isEmpty() ? -1 : window.get(window.size() - 1) / 1e6);
    List<ClusterResults.Recovery> recovered = new ArrayList<>();
    takeover.recoveredAfterNanos().forEach((entity, nanos) -> recovered.add(
        new ClusterResults.Recovery(entity, takeover.affected().contains(entity), nanos / 1e6)));
    recovered.sort(java.util.Comparator.comparingDouble(ClusterResults.Recovery::millis));
    ClusterResults.Run run = new ClusterResults.Run(number, victim, startup,
        settings.entities(), takeover.affected().size(), takeover.complete(),
        takeover.takeoverNanos() / 1e6, entityMedian, requests, failures.size(),
        failedAfterKill, retried, longest / 1e6, failedAtStart, acknowledged, total, lost,
        withoutAck, settings.entities() - finalCounts.size(),
        requests / Math.max(1e-3, (lastEnd - steady) / 1e9), p50, p99, takeover.stalled().size(),
        faultWindow, recovered, failures);
    log("latency from intended start before the kill p50 %.0f ms, p99 %.0f ms", p50, p99);
    log("fault window (from the kill until the last counter answered again): %d requests, %d"
        + " failed, p50 %.0f ms, p99 %.0f ms, max %.0f ms; %d counters of %s and %d stalled"
        + " elsewhere", faultWindow.requests(), faultWindow.failed(), faultWindow.p50Millis(),
        faultWindow.p99Millis(), faultWindow.maxMillis(), takeover.affected().size(), victim,
        takeover.stalled().size());
    log("takeover %s, per counter median %.0f ms; %d requests (%.0f/s), %d failed (%d after the"
            + " kill), %d retried; %d failed while starting; %d acknowledged, counters total %d:"
            + " %d lost, %d applied without ack%s",
        run.complete() ? String.format("%.0f ms", run.takeoverMillis()) : "INCOMPLETE",
        entityMedian, requests, run.requestsPerSecond(), failures.size(), failedAfterKill,
        retried, failedAtStart, acknowledged, total, lost, withoutAck,
        run.unread() == 0 ? "" : "; " + run.unread() + " counters could not be read");
    return run;
  }

  /** The nearest-rank {@code p}-th percentile of sorted values. */
  private static long nearestRank(List<Long> sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(rank, 1) - 1);
  }

  private List<String> command(int index, List<Integer> ports) {
    String name = "node" + (index + 1);
    String seed = "pekko://" + CLUSTER + "@" + HOST + ":" + ports.get(0);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + settings.heap());
    command.add("-Dbaton.bench.node=" + name); // names the JVM in ps
    command.add("-Dbaton.bench.log.level=INFO");
    command.add("-Dbaton.bench.log.file=" + logs.resolve(name + "-baton.log"));
    if (settings.target() == ClusterTarget.BATON_TLS) {
      command.add("-Dbaton.node.tls.dev-ca-dir=" + dir.resolve("dev-ca"));
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    if (settings.target().stock()) {
      command.add(StockBenchNode.class.getName());
      command.add("--profile=" + (settings.target() == ClusterTarget.PEKKO_TUNED
          ? "tuned" : "default"));
      command.add("--jdbc-url=" + settings.jdbcUrl());
      command.add("--jdbc-user=" + settings.jdbcUser());
    } else {
      command.add(BatonBenchNode.class.getName());
      command.add("--cluster-name=" + CLUSTER);
      command.add("--host=" + HOST);
      command.add("--data-dir=" + dir.resolve(name));
    }
    command.add("--name=" + name);
    command.add("--port=" + ports.get(index));
    command.add("--seed=" + seed);
    command.add("--http-port=" + ports.get(ClusterBenchmark.NODES + index));
    command.add(NodeReports.EXIT_WITH_PARENT);
    return command;
  }

  /** Deletes the nodes' data directories (their logs stay, next to the results). */
  private void deleteData() {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      log("could not delete %s: %s", dir, e);
    }
  }

  private void log(String format, Object... args) {
    System.out.printf("[%s run %d] %s%n", settings.target().id(), number,
        String.format(format, args));
  }

  /** {@code count} distinct ports that were free a moment ago. */
  private static List<Integer> freePorts(int count) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        sockets.add(new ServerSocket(0, 1, InetAddress.getByName(HOST)));
      }
      return sockets.stream().map(ServerSocket::getLocalPort).toList();
    } finally {
      for (ServerSocket socket : sockets) {
        socket.close();
      }
    }
  }
}
