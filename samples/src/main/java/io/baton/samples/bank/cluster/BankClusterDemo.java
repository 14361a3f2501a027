package io.baton.samples.bank.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.load.Answer;
import io.baton.load.AttemptPolicy;
import io.baton.load.EntityClient;
import io.baton.load.LoadClock;
import io.baton.load.LoadRequest;
import io.baton.load.LoadSummary;
import io.baton.load.Outcome;
import io.baton.runtime.ClassSharing;
import io.baton.samples.Main;
import io.baton.samples.bank.TransferStatus.Phase;
import io.baton.samples.bank.load.BankLoadFailed;
import io.baton.samples.bank.load.BankLoadSettings;
import io.baton.samples.bank.load.BankOpenLoad;
import io.baton.samples.bank.load.MoneyCheck;
import io.baton.samples.bank.load.SagaCheck;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The bank on a real cluster, {@code java -jar baton-samples-all.jar bank-cluster} (or {@code
 * bank-load <flags>}, which {@code samples/run-cluster.sh} runs): {@link BankNode} JVMs on
 * 127.0.0.1 started from the same jar, an <em>open-loop</em> load ({@link BankOpenLoad}: transfers
 * and deposits and withdrawals at fixed arrival rates over the nodes' HTTP entry points, each
 * request measured from its intended start), the oldest node killed with SIGKILL under that load
 * and restarted, then every node upgraded to bank release 2 under the same load ({@link
 * RollingUpgradeStep}), and the checks: nothing given up, every saga final, money conserved.
 *
 * <h2>Steps</h2>
 * What runs is a {@link LoadPlan}: {@link LoadPlan#DEMO} for {@code bank-cluster}, the flags of
 * {@code bank-load}.
 * <ol>
 *   <li>start the plan's nodes, node1 first with itself as the only seed (so it forms the cluster
 *       and is its oldest member, the shard coordinator's host), each on an Artery port higher than
 *       the one before (so the ring order, which is address order, starts at node1); wait until
 *       each sees all members Up;
 *   <li>open {@link #ACCOUNTS} accounts ({@code demo-acct-NN}) of 1000 each;
 *   <li>start the load in phase {@code before}: transfers at {@link LoadPlan#transferRate} (one in
 *       ten to an account never opened, which the saga compensates), deposits and withdrawals at
 *       {@link LoadPlan#accountRate}; request {@code i} of a stream starts at {@code i / rate}
 *       whatever the cluster does, and is retried with its key on the next node until it is
 *       answered or given up (10 s after its intended start); the generator prints a live line a
 *       second, the demo the shards of each node every 5 s;
 *   <li>with a kill: after {@link LoadPlan#killAfter}, phase {@code takeover} and {@code kill -9}
 *       of the plan's node by PID; at {@link LoadPlan#restartAfter}, phase {@code rejoin}: restart
 *       it (same ports and data, seeded by the others), wait until it hosts shards again and run
 *       at least {@link #LOAD_AFTER_RESTART} more;
 *   <li>with an upgrade: phase {@code upgrade} and a graceful rolling upgrade of every node to
 *       release 2 in ring order by Baton's {@code RollingUpgrade} over the nodes' operator
 *       endpoints, its progress printed between the live lines; then phase {@code after};
 *   <li>at the end of the plan's duration, stop the load (every request has its outcome), resolve
 *       the given-up requests, wait until every saga is final;
 *   <li>after an upgrade, use release 2 once: an overdraft limit on the first account and a
 *       transfer that takes it below zero;
 *   <li>read every balance: their sum must be the opening total plus the accepted deposits minus
 *       the accepted withdrawals; print the summary (requests, per phase p50/p99/max and failures,
 *       sagas, takeover, rejoin, upgrade, money) and {@code CLUSTER DEMO OK}, or fail.
 * </ol>
 *
 * <h2>Takeover time</h2>
 * See {@link StallWatch}: over the entities whose requests stalled (an attempt timed out or was
 * answered 5xx) after the kill, the longest time from the kill to that entity's first successful
 * stalled request.
 *
 * <h2>Processes</h2>
 * Every node is started with {@code --exit-with-parent}, and killed by PID (SIGKILL) when the demo
 * ends, fails or is interrupted (a shutdown hook, and a {@code finally}). Their logs and the load's
 * history ({@code history.jsonl}) are kept under a temporary directory, deleted after a successful
 * run (unless {@code -Dbaton.samples.keep-logs=true}) and printed after a failed one.
 *
 * <p>Threads: the calling thread drives the steps; the load runs on the generator's scheduler and
 * the HTTP client's threads ({@link StallWatch} takes its outcomes); a scheduler thread prints the
 * nodes' line.
 */
public final class BankClusterDemo {

  static final int ACCOUNTS = 24;
  static final long OPENING_BALANCE = 1_000;
  /** The run id: every account and transfer id of the demo starts with it. */
  static final String RUN_ID = "demo";
  static final long OVERDRAFT_LIMIT = 500;
  /** How far below zero the transfer after the upgrade takes the first account. */
  static final long OVERDRAFT_USED = 200;

  static final Duration CLUSTER_START = Duration.ofSeconds(90);
  static final Duration REJOIN = Duration.ofSeconds(90);
  static final Duration LOAD_AFTER_RESTART = Duration.ofSeconds(4);
  static final Duration TRANSFER_END = Duration.ofSeconds(30);
  static final Duration NODES_LINE = Duration.ofSeconds(5);

  /** The phases of the load, as the summary names them. */
  static final String BEFORE = "before";
  static final String TAKEOVER = "takeover";
  static final String REJOIN_PHASE = "rejoin";
  static final String UPGRADE = "upgrade";
  static final String AFTER = "after";

  /** The line the demo ends with when everything it checked held. */
  public static final String OK_LINE = "CLUSTER DEMO OK";

  private static final String HOST = "127.0.0.1";
  private static final String CLUSTER_NAME = "bank";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrintStream out;
  private final Path root;
  private final List<Integer> ports;
  private final List<Integer> httpPorts;
  private final List<Integer> opsPorts;
  /** The operator endpoints' full-rights token (baton.ops.auth.token-file of every node). */
  private final String opsToken = randomToken();
  private final LoadPlan plan;
  private final int nodeCount;
  private final NodeProcess[] nodes;
  private final List<Process> started = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
      runnable -> {
        Thread thread = new Thread(runnable, "bank-demo-scheduler");
        thread.setDaemon(true);
        return thread;
      });

  private final long startNanos = System.nanoTime();
  private final StallWatch stalls = new StallWatch();
  private final RollingUpgradeStep upgrade = new RollingUpgradeStep();
  private volatile BankOpenLoad load;
  private long killNanos;
  private long restartNanos;
  private double rejoinSeconds = -1;

  private BankClusterDemo(PrintStream out, LoadPlan plan) throws IOException {
    this.out = out;
    this.plan = plan;
    this.nodeCount = plan.nodes();
    this.nodes = new NodeProcess[nodeCount];
    this.root = Files.createTempDirectory("baton-bank-cluster-");
    List<Integer> free = freePorts(3 * nodeCount);
    // Artery ports in ascending order: node1 has the lowest address, so the ring (address order)
    // and the rolling upgrade start at node1, the oldest node.
    this.ports = free.subList(0, nodeCount).stream().sorted().toList();
    this.httpPorts = free.subList(nodeCount, 2 * nodeCount);
    this.opsPorts = free.subList(2 * nodeCount, 3 * nodeCount);
    Files.writeString(root.resolve("ops.tokens"), opsToken + "\n");
  }

  private static String randomToken() {
    byte[] bytes = new byte[24];
    new java.security.SecureRandom().nextBytes(bytes);
    return java.util.HexFormat.of().formatHex(bytes);
  }

  /** The token the operator endpoints of this demo's nodes take for changes. */
  String opsToken() {
    return opsToken;
  }

  /** Runs the demo, printing to {@code out}; throws if anything it checks does not hold. */
  public static void run(PrintStream out) throws ClusterDemoFailed {
    run(out, LoadPlan.DEMO);
  }

  /**
   * Runs {@code plan} ({@code bank-load}): its nodes, its load for its duration, and, if it says
   * so, the kill and restart of a node and the rolling upgrade; then the same checks and summary
   * as the demo.
   */
  public static void run(PrintStream out, LoadPlan plan) throws ClusterDemoFailed {
    BankClusterDemo demo;
    try {
      demo = new BankClusterDemo(out, plan);
    } catch (IOException e) {
      throw new ClusterDemoFailed("cannot create the nodes' directory or pick free ports", e);
    }
    Thread reaper = new Thread(demo::stopEveryNode, "bank-demo-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
    boolean ok = false;
    try {
      demo.runSteps();
      ok = true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterDemoFailed("interrupted", e);
    } catch (BankLoadFailed e) {
      throw new ClusterDemoFailed(e.getMessage(), e);
    } finally {
      BankOpenLoad running = demo.load;
      if (running != null) {
        running.close();
      }
      demo.stopEveryNode();
      demo.scheduler.shutdownNow();
      try {
        Runtime.getRuntime().removeShutdownHook(reaper);
      } catch (IllegalStateException alreadyShuttingDown) {
        // the hook runs anyway, and finds nothing left to kill
      }
      if (ok && !Boolean.getBoolean("baton.samples.keep-logs")) {
        demo.deleteRoot();
      } else {
        out.println("nodes' logs and the load's history kept in " + demo.root);
      }
    }
  }

  private void runSteps() throws ClusterDemoFailed, InterruptedException, BankLoadFailed {
    out.println("Starting " + nodeCount + " bank nodes on " + HOST + " (logs and data in " + root
        + ")");
    // Every node's only seed is node1, so only node1 can start the cluster: it is the oldest
    // member, whichever JVM is ready first.
    for (int i = 0; i < nodeCount; i++) {
      nodes[i] = launch(i, List.of(address(0)), System.getProperty("java.class.path"));
    }
    for (NodeProcess node : nodes) {
      awaitUp(node, nodeCount);
    }
    out.printf("Cluster up in %.1f s: %s (node1 is the oldest node: it hosts the shard"
        + " coordinator)%n", seconds(System.nanoTime() - startNanos), describeNodes());

    List<URI> routes = httpPorts.stream().map(p -> URI.create("http://" + HOST + ":" + p))
        .toList();
    BankLoadSettings settings = BankLoadSettings.of(routes).withAccounts(ACCOUNTS)
        .withOpeningBalance(OPENING_BALANCE).withTransferRate(plan.transferRate())
        .withAccountRate(plan.accountRate()).withUnopenedShare(0.1).withRunId(RUN_ID)
        .withHistory(root.resolve("history.jsonl")).withSagaWait(TRANSFER_END.multipliedBy(2));
    load = BankOpenLoad.create(settings, out);
    load.openAccounts();
    out.println("Opened " + ACCOUNTS + " accounts with " + OPENING_BALANCE + " each");
    load.onOutcome(stalls::record);
    long loadStart = System.nanoTime();
    load.start(BEFORE);
    stalls.loadStarted(load.startNanos());
    ScheduledFuture<?> live = scheduler.scheduleAtFixedRate(
        () -> out.printf("[%4.1fs] %s%n", seconds(System.nanoTime() - startNanos),
            describeNodes()), NODES_LINE.toMillis(), NODES_LINE.toMillis(), TimeUnit.MILLISECONDS);
    if (plan.kills()) {
      killAndRestart(loadStart);
    }
    if (plan.upgrade()) {
      if (!plan.kills()) {
        sleepUntil(loadStart + plan.killAfter().toNanos());
      }
      upgrade.run(this);
    }
    sleepUntil(loadStart + plan.duration().toNanos());

    out.println(">>> stopping the load; resolving given-up requests, waiting for every saga");
    live.cancel(false);
    LoadSummary summary = load.stop(false);
    load.resolve();
    SagaCheck sagas = load.checkSagas();
    if (plan.upgrade() && upgrade.completed()) {
      useOverdraft(routes, load.accounts());
    }
    MoneyCheck money = load.checkMoney();
    summary(summary, sagas, money);
  }

  private void awaitUp(NodeProcess node, int members) throws ClusterDemoFailed,
      InterruptedException {
    if (!node.await(n -> n.members() == members && n.reported("HTTP "), CLUSTER_START)) {
      throw new ClusterDemoFailed(node.name + " did not see " + members + " members Up and its"
          + " HTTP entry point listening within " + CLUSTER_START + " (members Up: "
          + node.members() + ", alive: " + node.process.isAlive() + ")");
    }
  }

  /** The load's duration itself: the load runs on its own threads meanwhile. */
  private static void sleepUntil(long nanos) throws InterruptedException {
    long left = nanos - System.nanoTime();
    if (left > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }

  /** Kills the plan's node under load, restarts it and waits until it hosts shards again. */
  private void killAndRestart(long loadStart) throws ClusterDemoFailed, InterruptedException {
    sleepUntil(loadStart + plan.killAfter().toNanos());
    int index = plan.kill() - 1;
    NodeProcess victim = nodes[index];
    out.println(">>> kill -9 " + victim.pid() + " (" + victim.name + (index == 0
        ? ", the oldest node, the shard coordinator's host" : "") + ", hosting "
        + victim.shards() + " shards)");
    load.markPhase(TAKEOVER);
    killNanos = System.nanoTime();
    stalls.killed(killNanos);
    victim.kill9(Duration.ofSeconds(10));
    if (victim.process.isAlive()) {
      throw new ClusterDemoFailed(victim.name + " (pid " + victim.pid() + ") still runs after"
          + " SIGKILL");
    }
    sleepUntil(loadStart + plan.restartAfter().toNanos());

    out.println(">>> restarting " + victim.name + " (same ports, same data directory, seeded by"
        + " the others)");
    load.markPhase(REJOIN_PHASE);
    restartNanos = System.nanoTime();
    stalls.restarted(restartNanos);
    NodeProcess again = launch(index, seedsExcept(index), System.getProperty("java.class.path"));
    nodes[index] = again;
    if (!again.await(n -> n.members() == nodeCount && n.shards() > 0, REJOIN)) {
      throw new ClusterDemoFailed(again.name + " did not rejoin and take shards back within "
          + REJOIN + " (members Up it sees: " + again.members() + ", shards: " + again.shards()
          + ")");
    }
    rejoinSeconds = seconds(System.nanoTime() - restartNanos);
    out.printf(">>> %s is back and hosts %d shards, %.1f s after its restart%n", again.name,
        again.shards(), rejoinSeconds);
    TimeUnit.MILLISECONDS.sleep(LOAD_AFTER_RESTART.toMillis()); // load on the whole cluster
  }

  private void summary(LoadSummary summary, SagaCheck sagas, MoneyCheck money)
      throws ClusterDemoFailed {
    out.println();
    out.println("=== Summary");
    long ok = summary.count(Outcome.OK) + summary.count(Outcome.ALREADY_APPLIED);
    long failed = summary.count(Outcome.FAILED);
    out.printf(Locale.ROOT, "requests: %d ok, %d failed, %d retried (%d rejected, %d client"
        + " errors); open loop, %s transfers/s and %s deposits and withdrawals/s, latency from"
        + " each request's intended start%n", ok, failed, summary.retried(),
        summary.count(Outcome.REJECTED), summary.count(Outcome.CLIENT_ERROR),
        rate(plan.transferRate()), rate(plan.accountRate()));
    for (LoadSummary.PhaseSummary phase : summary.phases()) {
      out.println("  " + phaseLine(phase));
    }
    out.printf("transfers: %d completed, %d compensated, %d refused, %d stuck, %d not final%n",
        count(sagas, Phase.COMPLETED), count(sagas, Phase.COMPENSATED),
        count(sagas, Phase.REFUSED), count(sagas, Phase.STUCK), sagas.notFinal().size());
    List<String> problems = new ArrayList<>();
    if (plan.kills()) {
      printTakeoverAndRejoin(summary, problems);
    }
    if (plan.upgrade()) {
      upgrade.summary(this, summary, problems);
    }
    out.println(money.format());
    if (failed > 0) {
      problems.add(failed + " request(s) given up (no answer within "
          + AttemptPolicy.defaults().giveUp().toSeconds() + " s of the intended start)");
    }
    if (!money.conserved()) {
      problems.add("money not conserved: " + money.format());
    }
    if (!sagas.allFinal()) {
      problems.add(sagas.notFinal().size() + " transfers not final: "
          + sagas.notFinal().subList(0, Math.min(10, sagas.notFinal().size())));
    }
    if (count(sagas, Phase.STUCK) > 0) {
      problems.add(count(sagas, Phase.STUCK) + " transfers stuck");
    }
    long ended = count(sagas, Phase.COMPLETED) + count(sagas, Phase.COMPENSATED)
        + count(sagas, Phase.REFUSED);
    if (ended >= 50 && (count(sagas, Phase.COMPLETED) == 0
        || count(sagas, Phase.COMPENSATED) == 0)) {
      problems.add("the load did not exercise both ends of the saga (completed "
          + count(sagas, Phase.COMPLETED) + ", compensated " + count(sagas, Phase.COMPENSATED)
          + ")");
    }
    if (!problems.isEmpty()) {
      throw new ClusterDemoFailed(String.join("; ", problems));
    }
    out.println(OK_LINE);
  }

  /** {@code phase takeover (from 4.0 s): 360 ok, 0 failed, 40 retried; p50 .., p99 .., max ..}. */
  static String phaseLine(LoadSummary.PhaseSummary phase) {
    long ok = phase.outcomes().getOrDefault(Outcome.OK, 0L)
        + phase.outcomes().getOrDefault(Outcome.ALREADY_APPLIED, 0L);
    return String.format(Locale.ROOT, "phase %s (from %.1f s): %d requests, %d ok, %d failed,"
        + " %d retried; p50 %s, p99 %s, max %s", phase.name(), phase.startSeconds(),
        phase.latency().count(), ok, phase.outcomes().getOrDefault(Outcome.FAILED, 0L),
        phase.retried(), ms(phase.latency().p50()), ms(phase.latency().p99()),
        ms(phase.latency().max()));
  }

  /** The takeover and rejoin lines of the summary (a plan that kills a node). */
  private void printTakeoverAndRejoin(LoadSummary summary, List<String> problems) {
    String victim = "node" + plan.kill() + (plan.kill() == 1
        ? " (the oldest node, the shard coordinator's host)" : "");
    List<StallWatch.Recovery> recoveries = stalls.recoveries();
    if (recoveries.isEmpty()) {
      out.println("takeover: no request stalled after the kill -9 of " + victim);
    } else {
      StallWatch.Recovery last = recoveries.get(recoveries.size() - 1);
      long accounts = recoveries.stream().filter(r -> r.entity().startsWith("account/")).count();
      out.printf(Locale.ROOT, "takeover: %.2f s from kill -9 of %s to the first successful"
          + " request of the last of %d entities that stalled (%d accounts, %d transfers);"
          + " median %.2f s%n", last.afterKillNanos() / 1e9, victim, recoveries.size(), accounts,
          recoveries.size() - accounts,
          recoveries.get((recoveries.size() + 1) / 2 - 1).afterKillNanos() / 1e9);
      out.println("  last to answer: " + last.trace());
    }
    String slowest = stalls.slowest(TAKEOVER);
    if (!slowest.isEmpty()) {
      out.println("  slowest request: " + slowest);
    }
    summary.phase(TAKEOVER).ifPresent(phase -> {
      long ok = phase.outcomes().getOrDefault(Outcome.OK, 0L)
          + phase.outcomes().getOrDefault(Outcome.ALREADY_APPLIED, 0L);
      if (ok == 0) {
        problems.add("no request succeeded between the kill and the restart: nothing took over");
      }
    });
    summary.phase(REJOIN_PHASE).ifPresent(phase -> {
      out.printf(Locale.ROOT, "rejoin: node%d back and hosting shards %.1f s after its restart;"
          + " requests meanwhile p99 %s, max %s, %d failed%n", plan.kill(), rejoinSeconds,
          ms(phase.latency().p99()), ms(phase.latency().max()),
          phase.outcomes().getOrDefault(Outcome.FAILED, 0L));
      String slow = stalls.slowest(REJOIN_PHASE);
      if (!slow.isEmpty()) {
        out.println("  slowest request: " + slow);
      }
    });
  }

  private static long count(SagaCheck sagas, Phase phase) {
    return sagas.phases().getOrDefault(phase, 0L);
  }

  static String ms(double millis) {
    return millis >= 1000 ? String.format(Locale.ROOT, "%.2f s", millis / 1000)
        : String.format(Locale.ROOT, "%.0f ms", millis);
  }

  private static String rate(double perSecond) {
    return perSecond == Math.rint(perSecond) ? Long.toString((long) perSecond)
        : Double.toString(perSecond);
  }

  private String describeNodes() {
    List<String> parts = new ArrayList<>();
    for (NodeProcess node : nodes) {
      if (node == null) {
        continue;
      }
      parts.add(node.name + (node.process.isAlive()
          ? " " + Math.max(0, node.shards()) + " shards" : " down"));
    }
    return String.join(", ", parts);
  }

  /**
   * Uses release 2 once the upgrade is done and the load has stopped: gives the first account an
   * overdraft limit ({@code set-overdraft-limit}, sent as JSON, as a release-1 client would) and
   * transfers more than its balance to the second; the transfer's debit takes it below zero, and
   * the total of all balances, checked next, does not change.
   */
  private void useOverdraft(List<URI> routes, List<String> ids) throws ClusterDemoFailed,
      InterruptedException {
    String from = ids.get(0);
    String to = ids.get(1);
    try (EntityClient client = EntityClient.create(routes, AttemptPolicy.defaults(),
        LoadClock.system())) {
      long balance = balance(client, from);
      Answer set = client.send(LoadRequest.of("account", from,
          "{\"op\":\"set-overdraft-limit\",\"limit\":" + OVERDRAFT_LIMIT + "}",
          RUN_ID + "-overdraft-limit-" + from)).join();
      if (!set.outcome().acknowledged() || !result(set).path("reason").isMissingNode()) {
        throw new ClusterDemoFailed("release 2's set-overdraft-limit on " + from + " was not"
            + " accepted after the upgrade: " + set.outcome() + " " + set.body().strip());
      }
      long amount = Math.max(1, balance + OVERDRAFT_USED);
      String transfer = RUN_ID + "-t-overdraft";
      Answer ordered = client.send(LoadRequest.of("transfer", transfer, "{\"op\":\"order\","
          + "\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"amount\":" + amount + "}",
          transfer)).join();
      String phase = result(ordered).path("phase").asText("");
      long deadline = System.nanoTime() + TRANSFER_END.toNanos();
      int poll = 0;
      while (!isFinal(phase) && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(100); // poll interval, bounded by the deadline
        phase = result(client.send(LoadRequest.of("transfer", transfer, "{\"op\":\"status\"}",
            transfer + "-status-" + ++poll)).join()).path("phase").asText(phase);
      }
      long after = balance(client, from);
      out.printf("release 2 in use: %s (balance %d) given an overdraft limit of %d; transfer of"
          + " %d to %s %s; %s now at %d%n", from, balance, OVERDRAFT_LIMIT, amount, to,
          phase.isEmpty() ? "not answered" : phase.toLowerCase(Locale.ROOT), from, after);
      if (!phase.equals(Phase.COMPLETED.name()) || after >= 0) {
        throw new ClusterDemoFailed("the transfer into the overdraft did not complete as release"
            + " 2 allows: " + (phase.isEmpty() ? ordered.body() : phase) + ", balance of " + from
            + " " + after);
      }
    }
  }

  private static boolean isFinal(String phase) {
    try {
      return !phase.isEmpty() && Phase.valueOf(phase).isFinal();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private long balance(EntityClient client, String account) throws ClusterDemoFailed {
    Answer read = client.send(LoadRequest.of("account", account, "{\"op\":\"balance\"}",
        RUN_ID + "-balance-" + account + "-" + System.nanoTime())).join();
    JsonNode result = result(read);
    if (!read.outcome().acknowledged() || !result.has("balance")) {
      throw new ClusterDemoFailed("could not read the balance of account " + account + ": "
          + read.outcome() + " " + read.body().strip());
    }
    return result.get("balance").asLong();
  }

  private static JsonNode result(Answer answer) {
    try {
      JsonNode node = JSON.readTree(answer.body());
      return node == null ? JSON.createObjectNode() : node.path("result");
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  /** Marks the load's phase (for {@link RollingUpgradeStep}). */
  void markPhase(String name) {
    BankOpenLoad running = load;
    if (running != null) {
      running.markPhase(name);
    }
  }

  /** The slowest request of a phase, with its attempts, or "". */
  String slowest(String phase) {
    return stalls.slowest(phase);
  }

  /** The seed nodes of node {@code index}'s next incarnation: every other node. */
  private List<String> seedsExcept(int index) {
    List<String> seeds = new ArrayList<>();
    for (int i = 0; i < nodeCount; i++) {
      if (i != index) {
        seeds.add(address(i));
      }
    }
    return seeds;
  }

  // -------------------------------------------------------------- for RollingUpgradeStep

  PrintStream out() {
    return out;
  }

  NodeProcess[] nodes() {
    return nodes;
  }

  /** The {@code host:port} of node {@code index}'s operator endpoint. */
  String opsEndpoint(int index) {
    return HOST + ":" + opsPorts.get(index);
  }

  /** The jar of bank {@code release} next to the jar this demo runs from, if both are jars. */
  Optional<Path> releaseJar(int release) {
    return ReleaseJars.running(System.getProperty("java.class.path"))
        .flatMap(running -> ReleaseJars.sibling(running, release));
  }

  /** The demo's node processes, for {@link DemoNodeController}. */
  DemoNodeController.Nodes nodeAccess() {
    return new DemoNodeController.Nodes() {
      @Override
      public NodeProcess current(String name) {
        int index = indexOf(name);
        return index < 0 ? null : nodes[index];
      }

      @Override
      public NodeProcess relaunch(String name, Path jar) throws ClusterDemoFailed {
        int index = indexOf(name);
        if (index < 0) {
          throw new ClusterDemoFailed("the demo started no node named " + name);
        }
        NodeProcess node = launch(index, seedsExcept(index), jar.toString());
        nodes[index] = node;
        return node;
      }
    };
  }

  private int indexOf(String name) {
    for (int i = 0; i < nodeCount; i++) {
      if (nodes[i] != null && nodes[i].name.equals(name)) {
        return i;
      }
    }
    return -1;
  }

  // ------------------------------------------------------------------ processes

  /**
   * Starts node {@code index} from {@code classPath} (this JVM's: release 1; or the release-2
   * jar), with its operator endpoint on; every other flag is the same for every incarnation.
   */
  private Path tempDir() throws ClusterDemoFailed {
    try {
      return Files.createDirectories(root.resolve("tmp"));
    } catch (IOException e) {
      throw new ClusterDemoFailed("cannot create " + root.resolve("tmp") + ": " + e.getMessage());
    }
  }

  private NodeProcess launch(int index, List<String> seeds, String classPath)
      throws ClusterDemoFailed {
    String name = "node" + (index + 1);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dbaton.samples.node=" + name, "-Dbaton.ops.enabled=on",
        "-Dbaton.ops.port=" + opsPorts.get(index),
        // The cluster on TLS with a throw-away CA shared by the demo's nodes (docs/security.md),
        // the endpoints behind tokens that only this demo holds.
        "-Dbaton.node.tls.dev-ca-dir=" + root.resolve("dev-ca"),
        // Temporary files (RocksDB's 16 MB native library, left behind by the killed node) under
        // the demo's directory, which it deletes at the end.
        "-Djava.io.tmpdir=" + tempDir(),
        // The client entry points stay open to callers on this machine (loopback, decision 0021):
        // the demo's open-loop load is an independent HTTP client without a token.
        "-Dbaton.ops.auth.token-file=" + root.resolve("ops.tokens")));
    if (!classPath.contains(java.io.File.pathSeparator) && classPath.endsWith(".jar")) {
      // A fat jar: its class-sharing archive, if the build recorded one beside it.
      command.addAll(ClassSharing.useOptions(ClassSharing.archiveBeside(Path.of(classPath))));
    }
    command.add("-cp");
    command.add(classPath);
    command.add(Main.class.getName());
    command.add(Main.BANK_NODE);
    command.add("--cluster-name=" + CLUSTER_NAME);
    command.add("--name=" + name);
    command.add("--host=" + HOST);
    command.add("--port=" + ports.get(index));
    command.add("--seed=" + String.join(",", seeds));
    command.add("--data-dir=" + root.resolve(name));
    command.add(BankNode.HTTP_PORT_FLAG + httpPorts.get(index));
    command.add(BankNode.EXIT_WITH_PARENT_FLAG);
    try {
      NodeProcess node = NodeProcess.start(name, command, root.resolve(name + ".log"));
      started.add(node.process);
      out.println("  " + name + " started, pid " + node.pid() + ", HTTP entry point http://"
          + HOST + ":" + httpPorts.get(index));
      return node;
    } catch (IOException e) {
      throw new ClusterDemoFailed("cannot start " + name + ": " + command, e);
    }
  }

  private String address(int index) {
    return "pekko://" + CLUSTER_NAME + "@" + HOST + ":" + ports.get(index);
  }

  /** Kills every node process this demo started, by PID, and waits for each to exit. */
  private void stopEveryNode() {
    for (Process process : started) {
      process.toHandle().destroyForcibly();
    }
    for (Process process : started) {
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void deleteRoot() {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      out.println("could not delete " + root + ": " + e);
    }
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  /** {@code count} distinct ports that were free a moment ago. */
  static List<Integer> freePorts(int count) throws IOException {
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
