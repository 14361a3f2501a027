package io.baton.samples.bank.cluster;

import io.baton.client.Attempt;
import io.baton.client.BatonClient;
import io.baton.client.ClientResult;
import io.baton.client.ClientTime;
import io.baton.client.HttpTransport;
import io.baton.client.Reply;
import io.baton.client.RetryPolicy;
import io.baton.samples.Main;
import io.baton.samples.bank.AccountOperation;
import io.baton.samples.bank.AccountOutcome;
import io.baton.samples.bank.TransferOperation;
import io.baton.samples.bank.TransferStatus;
import io.baton.samples.bank.TransferStatus.Phase;
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
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The bank on a real cluster, {@code java -jar baton-samples-all.jar bank-cluster} (or {@code
 * bank-load <flags>}, which {@code samples/run-cluster.sh} runs): {@link BankNode}
 * JVMs on 127.0.0.1 started from the same jar, a steady load of transfers sent through
 * {@link BatonClient} over {@link HttpTransport} (every node a route, every request under an
 * idempotency key), one node killed with SIGKILL under that load and restarted, then every node
 * upgraded to bank release 2 under the same load ({@link RollingUpgradeStep}), and a check that
 * the sum of all balances did not change.
 *
 * <h2>Steps</h2>
 * What runs is a {@link LoadPlan}: {@link LoadPlan#DEMO} for {@code bank-cluster}, the flags of
 * {@code bank-load} ({@code --nodes}, {@code --duration}, {@code --rate}, {@code --kill},
 * {@code --upgrade}).
 * <ol>
 *   <li>start the plan's nodes (node1 seeds the cluster) and wait until each sees all members Up;
 *   <li>open {@link #ACCOUNTS} accounts with {@link #OPENING_BALANCE} each, and read the total;
 *   <li>start the plan's load workers: each reads a source account's balance, orders a transfer
 *       (one in ten to an account never opened, so that the saga compensates it; spaced to the
 *       plan's rate, if it has one) and reads its status until it is final; a line of counters is
 *       printed every second;
 *   <li>with {@code kill}: after {@link LoadPlan#killAfter}, {@code kill -9} the last node by PID;
 *       the load goes on, its clients retrying (same key, next node) until that node's shards
 *       answer from their successors; at {@link LoadPlan#restartAfter}, restart it (same ports and
 *       data), wait until it hosts shards again and run at least {@link #LOAD_AFTER_RESTART} more;
 *   <li>with {@code upgrade}: a graceful rolling upgrade of every node to release 2 under the same
 *       load, by Baton's {@code RollingUpgrade} over the nodes' operator endpoints (every node
 *       runs with {@code -Dbaton.ops.enabled=on}), its progress printed between the live lines,
 *       the requests during it counted apart ({@link RollingUpgradeStep});
 *   <li>at the end of the plan's duration, stop the load and let every transfer in flight end;
 *   <li>after an upgrade, use release 2 once: an overdraft limit on {@link #OVERDRAFT_ACCOUNT}
 *       and a transfer that takes it below zero;
 *   <li>read every balance again, print the summary and {@code CLUSTER DEMO OK}, or fail (also
 *       when the upgrade stopped, a node does not run release 2, the active version of the
 *       accounts' state did not reach 2, or a request failed during the upgrade).
 * </ol>
 *
 * <h2>Takeover time</h2>
 * A request <em>stalled</em> when one of its attempts timed out or was answered 503 (the entity did
 * not answer: its shard lived on the dead node), as opposed to a refused connection to the dead
 * node's own entry point, which the client skips at once. The takeover time is, over the entities
 * that stalled between the kill and the restart, the longest time from the kill to that entity's
 * first successful request; the longest stall is the longest such request. Requests that stall
 * while the killed node rejoins are reported apart.
 *
 * <h2>Processes</h2>
 * Every node is started with {@code --exit-with-parent}, and killed by PID (SIGKILL) when the demo
 * ends, fails or is interrupted (a shutdown hook, and a {@code finally}). Their logs are kept under
 * a temporary directory, deleted after a successful run (unless {@code
 * -Dbaton.samples.keep-logs=true}) and printed after a failed one.
 *
 * <p>Threads: the calling thread drives the steps; each worker is a thread of its own that blocks
 * on its client's futures; the counters are atomics; a scheduler thread runs the clients' timers
 * and the live line.
 */
public final class BankClusterDemo {

  static final int ACCOUNTS = 12;
  static final long OPENING_BALANCE = 1_000;
  static final String UNOPENED_ACCOUNT = "acct-never-opened";
  /** The account that uses release 2's overdraft after the upgrade. */
  static final String OVERDRAFT_ACCOUNT = "acct-00";
  static final long OVERDRAFT_LIMIT = 500;
  /** How far below zero the transfer after the upgrade takes {@link #OVERDRAFT_ACCOUNT}. */
  static final long OVERDRAFT_USED = 200;

  static final Duration CLUSTER_START = Duration.ofSeconds(90);
  static final Duration REJOIN = Duration.ofSeconds(40);
  static final Duration LOAD_AFTER_RESTART = Duration.ofSeconds(4);
  static final Duration TRANSFER_END = Duration.ofSeconds(30);

  /** The line the demo ends with when everything it checked held. */
  public static final String OK_LINE = "CLUSTER DEMO OK";

  private static final String HOST = "127.0.0.1";
  private static final String CLUSTER_NAME = "bank";
  /**
   * The defaults (an attempt waits 1 s: a request lost with the dead node is retried on the new
   * owner after that), a longer deadline so that no request of the demo fails outright, and short
   * backoff: a retry through another node costs nothing.
   */
  private static final RetryPolicy POLICY = RetryPolicy.defaults()
      .withDeadline(Duration.ofSeconds(20))
      .withBackoff(Duration.ofMillis(50), Duration.ofMillis(500), 2.0);

  private final PrintStream out;
  private final Path root;
  private final List<Integer> ports;
  private final List<Integer> httpPorts;
  private final List<Integer> opsPorts;
  /** The operator endpoints' full-rights token (baton.ops.auth.token-file of every node). */
  private final String opsToken = randomToken();
  /** The client entry points' token (baton.client.http.auth.token-file of every node). */
  private final String clientToken = randomToken();
  private final LoadPlan plan;
  private final int nodeCount;
  private final NodeProcess[] nodes;
  private final AtomicLong nextOrderNanos = new AtomicLong();
  private final List<Process> started = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
      runnable -> {
        Thread thread = new Thread(runnable, "bank-demo-scheduler");
        thread.setDaemon(true);
        return thread;
      });
  private final ClientTime time = ClientTime.of(scheduler);

  private final long startNanos = System.nanoTime();
  private final AtomicLong requestsOk = new AtomicLong();
  private final AtomicLong requestsFailed = new AtomicLong();
  private final AtomicLong requestsRetried = new AtomicLong();
  private final Map<Phase, AtomicLong> transfers = new ConcurrentHashMap<>();
  private final AtomicLong transfersUnfinished = new AtomicLong();
  private final AtomicLong transferIds = new AtomicLong();
  private final Map<String, Long> stalledEntitiesAnswered = new ConcurrentHashMap<>();
  private final AtomicLong longestStallNanos = new AtomicLong();
  private final AtomicLong longestStallAfterRestartNanos = new AtomicLong();
  private final AtomicLong answeredAfterKill = new AtomicLong();
  private final AtomicLong longestTransferAfterRestartNanos = new AtomicLong();
  private final AtomicLong takeoverNanos = new AtomicLong();
  private final AtomicLong moneyInAccounts = new AtomicLong(-1);
  private volatile long openingTotal;
  private final java.util.concurrent.atomic.AtomicReference<String> takeoverEntity =
      new java.util.concurrent.atomic.AtomicReference<>("");
  private final java.util.concurrent.atomic.AtomicReference<String> slowestAfterKill =
      new java.util.concurrent.atomic.AtomicReference<>("");
  private final java.util.concurrent.atomic.AtomicReference<String> slowestAfterRestart =
      new java.util.concurrent.atomic.AtomicReference<>("");
  private volatile long transfersBeforeKill = Long.MAX_VALUE;
  private volatile long killNanos;
  private volatile long restartNanos;
  private volatile boolean loadRunning;
  private final RollingUpgradeStep upgrade = new RollingUpgradeStep();

  private BankClusterDemo(PrintStream out, LoadPlan plan) throws IOException {
    this.out = out;
    this.plan = plan;
    this.nodeCount = plan.nodes();
    this.nodes = new NodeProcess[nodeCount];
    this.root = Files.createTempDirectory("baton-bank-cluster-");
    List<Integer> free = freePorts(3 * nodeCount);
    this.ports = free.subList(0, nodeCount);
    this.httpPorts = free.subList(nodeCount, 2 * nodeCount);
    this.opsPorts = free.subList(2 * nodeCount, 3 * nodeCount);
    Files.writeString(root.resolve("ops.tokens"), opsToken + "\n");
    Files.writeString(root.resolve("client.tokens"), clientToken + "\n");
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
   * so, the kill and restart of the last node; then the same checks and summary as the demo.
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
    } finally {
      demo.loadRunning = false;
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
        out.println("nodes' logs kept in " + demo.root);
      }
    }
  }

  private void runSteps() throws ClusterDemoFailed, InterruptedException {
    out.println("Starting " + nodeCount + " bank nodes on " + HOST + " (logs and data in " + root
        + ")");
    for (int i = 0; i < nodeCount; i++) {
      nodes[i] = launch(i, List.of(address(0)), System.getProperty("java.class.path"));
    }
    for (NodeProcess node : nodes) {
      if (!node.await(n -> n.members() == nodeCount && n.reported("HTTP "), CLUSTER_START)) {
        throw new ClusterDemoFailed(node.name + " did not see " + nodeCount + " members Up and its"
            + " HTTP entry point listening within " + CLUSTER_START + " (members Up: "
            + node.members() + ", alive: " + node.process.isAlive() + ")");
      }
    }
    out.printf("Cluster up in %.1f s: %s%n", seconds(System.nanoTime() - startNanos),
        describeNodes());

    List<URI> routes = httpPorts.stream().map(p -> URI.create("http://" + HOST + ":" + p))
        .toList();
    BatonClient<AccountOperation, AccountOutcome> accounts = accountsClient(routes, 0);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < ACCOUNTS; i++) {
      String id = "acct-" + (i < 10 ? "0" : "") + i;
      ids.add(id);
      expectAccepted(accounts, id, "open-" + id, new AccountOperation.Open());
      expectAccepted(accounts, id, "opening-deposit-" + id,
          new AccountOperation.Deposit(OPENING_BALANCE));
    }
    long before = totalBalance(accounts, ids);
    out.println("Opened " + ACCOUNTS + " accounts with " + OPENING_BALANCE + " each: total "
        + before);

    loadRunning = true;
    List<Thread> workers = new ArrayList<>();
    long loadStart = System.nanoTime();
    nextOrderNanos.set(loadStart);
    for (int w = 0; w < plan.workers(); w++) {
      int worker = w;
      Thread thread = new Thread(() -> work(routes, worker, ids), "bank-demo-worker-" + w);
      thread.setDaemon(true);
      thread.start();
      workers.add(thread);
    }
    openingTotal = before;
    Thread auditor = new Thread(() -> audit(routes, ids), "bank-demo-auditor");
    auditor.setDaemon(true);
    auditor.start();
    ScheduledFuture<?> live =
        scheduler.scheduleAtFixedRate(() -> out.println(liveLine()), 1, 1, TimeUnit.SECONDS);
    out.println("Load: " + plan.workers() + " clients ordering transfers through all "
        + nodeCount + " nodes" + (plan.rate() == 0 ? "" : ", " + plan.rate() + " a second")
        + ", for " + plan.duration().toSeconds() + " s");
    if (plan.kill()) {
      killAndRestart(loadStart);
    }
    if (plan.upgrade()) {
      if (!plan.kill()) {
        Thread.sleep(Math.max(0, loadStart + plan.killAfter().toNanos() - System.nanoTime())
            / 1_000_000);
      }
      upgrade.run(this);
    }
    long left = loadStart + plan.duration().toNanos() - System.nanoTime();
    if (left > 0) {
      Thread.sleep(left / 1_000_000);
    }

    out.println(">>> stopping the load; letting the transfers in flight end");
    loadRunning = false;
    for (Thread worker : workers) {
      worker.join(TRANSFER_END.plusSeconds(25).toMillis());
      if (worker.isAlive()) {
        throw new ClusterDemoFailed(worker.getName() + " did not finish its last transfer");
      }
    }
    live.cancel(false);
    out.println(liveLine());
    if (plan.upgrade() && upgrade.completed()) {
      useOverdraft(routes, accounts, ids);
    }
    long after = totalBalance(accounts, ids);
    long unopened = balance(accounts, UNOPENED_ACCOUNT);
    summary(before, after, unopened);
  }

  /** Kills the last node under load, restarts it and waits until it hosts shards again. */
  private void killAndRestart(long loadStart) throws ClusterDemoFailed, InterruptedException {
    Thread.sleep(Math.max(0, loadStart + plan.killAfter().toNanos() - System.nanoTime())
        / 1_000_000);

    NodeProcess victim = nodes[nodeCount - 1];
    out.println(">>> kill -9 " + victim.pid() + " (" + victim.name + ", hosting "
        + victim.shards() + " shards)");
    transfersBeforeKill = transferIds.get();
    killNanos = System.nanoTime();
    victim.kill9(Duration.ofSeconds(10));
    if (victim.process.isAlive()) {
      throw new ClusterDemoFailed(victim.name + " (pid " + victim.pid() + ") still runs after"
          + " SIGKILL");
    }
    Thread.sleep(Math.max(0, loadStart + plan.restartAfter().toNanos() - System.nanoTime())
        / 1_000_000);

    out.println(">>> restarting " + victim.name + " (same ports, same data directory)");
    restartNanos = System.nanoTime();
    NodeProcess again = launch(nodeCount - 1, List.of(address(0), address(1)),
        System.getProperty("java.class.path"));
    nodes[nodeCount - 1] = again;
    if (!again.await(n -> n.members() == nodeCount && n.shards() > 0, REJOIN)) {
      throw new ClusterDemoFailed(again.name + " did not rejoin and take shards back within "
          + REJOIN + " (members Up it sees: " + again.members() + ", shards: " + again.shards()
          + ")");
    }
    out.printf(">>> %s is back and hosts %d shards, %.1f s after its restart%n", again.name,
        again.shards(), seconds(System.nanoTime() - restartNanos));
    Thread.sleep(LOAD_AFTER_RESTART.toMillis());
  }

  private void summary(long before, long after, long unopened) throws ClusterDemoFailed {
    out.println();
    out.println("=== Summary");
    out.printf("requests: %d ok, %d failed, %d retried%n", requestsOk.get(),
        requestsFailed.get(), requestsRetried.get());
    out.printf("transfers: %d completed, %d compensated, %d refused, %d stuck, %d unfinished%n",
        count(Phase.COMPLETED), count(Phase.COMPENSATED), count(Phase.REFUSED),
        count(Phase.STUCK), transfersUnfinished.get());
    if (plan.kill()) {
      printTakeoverAndRejoin();
    }
    List<String> problems = new ArrayList<>();
    if (plan.upgrade()) {
      upgrade.summary(this, problems);
    }
    boolean conserved = before == after && unopened == 0;
    out.printf("money: before %d, after %d%s: %s%n", before, after,
        unopened == 0 ? "" : " (and " + unopened + " in an account never opened)",
        conserved ? "conserved" : "NOT CONSERVED");
    if (!conserved) {
      problems.add("the total of all balances changed from " + before + " to " + after
          + (unopened == 0 ? "" : " and the unopened account holds " + unopened));
    }
    if (plan.kill() && answeredAfterKill.get() == 0) {
      problems.add("no request succeeded between the kill and the restart: nothing took over");
    }
    if (count(Phase.STUCK) > 0 || transfersUnfinished.get() > 0) {
      problems.add(count(Phase.STUCK) + " transfers stuck and " + transfersUnfinished.get()
          + " unfinished");
    }
    long ended = count(Phase.COMPLETED) + count(Phase.COMPENSATED) + count(Phase.REFUSED);
    if (ended >= 50 && (count(Phase.COMPLETED) == 0 || count(Phase.COMPENSATED) == 0)) {
      problems.add("the load did not exercise both ends of the saga (completed "
          + count(Phase.COMPLETED) + ", compensated " + count(Phase.COMPENSATED) + ")");
    }
    if (!problems.isEmpty()) {
      throw new ClusterDemoFailed(String.join("; ", problems));
    }
    out.println(OK_LINE);
  }

  /** The takeover and rejoin lines of the summary (a plan that kills a node). */
  private void printTakeoverAndRejoin() {
    long takeover = stalledEntitiesAnswered.values().stream().mapToLong(t -> t - killNanos)
        .max().orElse(-1);
    if (takeover < 0) {
      out.printf("takeover: no request stalled after the kill (longest retried request %.2f s)%n",
          seconds(longestStallNanos.get()));
    } else {
      out.printf("takeover: %.2f s from kill -9 to the first successful request of the last of"
          + " %d entities that lived on the dead node; longest stall %.2f s%n", seconds(takeover),
          stalledEntitiesAnswered.size(), seconds(longestStallNanos.get()));
      out.println("  last to answer: " + takeoverEntity.get());
    }
    if (!slowestAfterKill.get().isEmpty()) {
      out.println("  slowest request: " + slowestAfterKill.get());
    }
    out.printf("rejoin: after %s restarted, longest request %.2f s, longest transfer (order to"
        + " final state) %.2f s%n", nodes[nodeCount - 1].name,
        seconds(longestStallAfterRestartNanos.get()),
        seconds(longestTransferAfterRestartNanos.get()));
    if (!slowestAfterRestart.get().isEmpty()) {
      out.println("  slowest request: " + slowestAfterRestart.get());
    }
  }

  // ------------------------------------------------------------------ the load

  /** One worker: transfers, one after the other, until the load stops. */
  private void work(List<URI> routes, int worker, List<String> ids) {
    BatonClient<AccountOperation, AccountOutcome> accounts = accountsClient(routes, worker);
    BatonClient<TransferOperation, TransferStatus> transfersClient =
        transfersClient(routes, worker);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (loadRunning) {
      String from = ids.get(random.nextInt(ids.size()));
      String to = random.nextInt(10) == 0 ? UNOPENED_ACCOUNT : ids.get(random.nextInt(ids.size()));
      if (to.equals(from)) {
        continue;
      }
      long amount = 1 + random.nextInt(150);
      if (!pace()) {
        return;
      }
      request(accounts, from, UUID.randomUUID().toString(), new AccountOperation.Balance());
      String transferId = "t-" + transferIds.incrementAndGet();
      long orderedAt = System.nanoTime();
      ClientResult<TransferStatus> ordered = request(transfersClient, transferId,
          "order-" + transferId, new TransferOperation.Order(from, to, amount));
      if (ordered instanceof ClientResult.Answered<TransferStatus> answered
          && answered.reply() instanceof Reply.Rejected) {
        continue; // not ordered: nothing moves
      }
      awaitFinal(transfersClient, transferId, resultOf(ordered) != null);
      long restart = restartNanos;
      if (restart != 0 && orderedAt >= restart && beforeUpgrade(orderedAt)) {
        longestTransferAfterRestartNanos.accumulateAndGet(System.nanoTime() - orderedAt,
            Math::max);
      }
    }
  }

  /**
   * With a rate, waits for this worker's turn: orders are spaced 1/rate apart over all workers.
   * Answers false if the load stopped meanwhile.
   */
  private boolean pace() {
    if (plan.rate() == 0) {
      return true;
    }
    long slot = nextOrderNanos.getAndAdd(1_000_000_000L / plan.rate());
    long wait = slot - System.nanoTime();
    if (wait > 0) {
      try {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return loadRunning;
  }

  /** Reads the transfer's status until it is final; counts it. */
  private void awaitFinal(BatonClient<TransferOperation, TransferStatus> client,
      String transferId, boolean orderAccepted) {
    long deadline = System.nanoTime() + TRANSFER_END.toNanos();
    long pause = 20;
    while (System.nanoTime() < deadline) {
      ClientResult<TransferStatus> read = request(client, transferId,
          UUID.randomUUID().toString(), new TransferOperation.Status());
      TransferStatus status = resultOf(read);
      if (status != null && status.phase() == Phase.NEW && !orderAccepted) {
        // The client gave up on the order: past its deadline the entity refuses it, so it never
        // will be ordered, and nothing moved.
        return;
      }
      if (status != null && status.phase().isFinal()) {
        transfers.computeIfAbsent(status.phase(), p -> new AtomicLong()).incrementAndGet();
        return;
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      pause = Math.min(200, pause * 2);
    }
    transfersUnfinished.incrementAndGet();
  }

  /** Sends one request and counts it; blocks until the client's answer. */
  private <P, R> ClientResult<R> request(BatonClient<P, R> client, String entityId, String key,
      P payload) {
    long start = System.nanoTime();
    ClientResult<R> result;
    try {
      result = client.send(entityId, key, payload).toCompletableFuture().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ClientResult.Unknown<>(key, "interrupted", List.of());
    } catch (ExecutionException e) {
      return new ClientResult.Unknown<>(key, String.valueOf(e.getCause()), List.of());
    }
    long end = System.nanoTime();
    boolean answered = result instanceof ClientResult.Answered<R>;
    (answered ? requestsOk : requestsFailed).incrementAndGet();
    if (result.attempts().size() > 1) {
      requestsRetried.incrementAndGet();
    }
    upgrade.count(start, end, answered, result.attempts().size() > 1,
        () -> trace(payload, entityId, start - upgrade.startNanos(), end - start, result));
    long kill = killNanos;
    long restart = restartNanos;
    if (kill != 0 && end > kill && answered
        && result.attempts().stream().anyMatch(BankClusterDemo::stalled)) {
      if ((restart == 0 || start < restart) && existedBeforeKill(entityId)) {
        if (stalledEntitiesAnswered.putIfAbsent(entityId, end) == null
            && end - kill >= takeoverNanos.get()) {
          takeoverNanos.set(end - kill);
          takeoverEntity.set(trace(payload, entityId, start - kill, end - start, result));
        }
      }
      if (restart == 0 || start < restart) {
        if (longestStallNanos.getAndAccumulate(end - start, Math::max) < end - start) {
          slowestAfterKill.set(trace(payload, entityId, start - kill, end - start, result));
        }
      }
    }
    if (restart != 0 && start >= restart && beforeUpgrade(start)
        && longestStallAfterRestartNanos.getAndAccumulate(end - start, Math::max) < end - start) {
      // After the restart every request counts: a slow one is a stall of the move back,
      // whether or not one of its attempts timed out.
      slowestAfterRestart.set(trace(payload, entityId, start - restart, end - start, result));
    }
    if (kill != 0 && restart == 0 && answered) {
      answeredAfterKill.incrementAndGet();
    }
    return result;
  }

  /** Whether a request started before the rolling upgrade (the rejoin's figures end there). */
  private boolean beforeUpgrade(long start) {
    long upgradeStart = upgrade.startNanos();
    return upgradeStart == 0 || start < upgradeStart;
  }

  /**
   * Whether the entity may have lived on the killed node: every account, and the transfers
   * ordered before the kill. A transfer ordered later was placed on a live node from the start;
   * a stall of its requests (a shard moving between live nodes) is no takeover.
   */
  private boolean existedBeforeKill(String entityId) {
    if (!entityId.startsWith("t-")) {
      return true;
    }
    return Long.parseLong(entityId.substring(2)) <= transfersBeforeKill;
  }

  /** One request's attempts, for the summary: where the time of the slowest request went. */
  private static String trace(Object payload, String entityId, long startedAfter, long took,
      ClientResult<?> result) {
    StringBuilder line = new StringBuilder(String.format("%s/%s %s, started %+.2f s, took %.2f s:",
        payload instanceof AccountOperation ? "account" : "transfer", entityId,
        payload.getClass().getSimpleName(), seconds(startedAfter), seconds(took)));
    for (Attempt attempt : result.attempts()) {
      String detail = attempt.detail();
      line.append(String.format(" #%d route %d at %.2f s %s after %.2f s%s;", attempt.number(),
          attempt.route(), attempt.startedAfter().toNanos() / 1e9, attempt.outcome(),
          attempt.took().toNanos() / 1e9, attempt.outcome() == Attempt.Outcome.REPLIED ? ""
              : " (" + detail.substring(0, Math.min(80, detail.length())) + ")"));
    }
    return line.toString();
  }

  /** Whether the attempt got no answer from the entity (as opposed to no connection). */
  private static boolean stalled(Attempt attempt) {
    return attempt.outcome() == Attempt.Outcome.TIMED_OUT
        || (attempt.outcome() == Attempt.Outcome.FAILED && attempt.detail().contains("HTTP 503"));
  }

  private static <R> R resultOf(ClientResult<R> result) {
    if (result instanceof ClientResult.Answered<R> answered) {
      if (answered.reply() instanceof Reply.Applied<R> applied) {
        return applied.result();
      }
      if (answered.reply() instanceof Reply.AlreadyApplied<R> again) {
        return again.result();
      }
    }
    return null;
  }

  private void expectAccepted(BatonClient<AccountOperation, AccountOutcome> client, String id,
      String key, AccountOperation operation) throws ClusterDemoFailed {
    ClientResult<AccountOutcome> result = request(client, id, key, operation);
    if (!(resultOf(result) instanceof AccountOutcome.Accepted)) {
      throw new ClusterDemoFailed(operation + " on account " + id + " was not accepted: "
          + result);
    }
  }

  private long balance(BatonClient<AccountOperation, AccountOutcome> client, String id)
      throws ClusterDemoFailed {
    ClientResult<AccountOutcome> result = request(client, id, UUID.randomUUID().toString(),
        new AccountOperation.Balance());
    if (resultOf(result) instanceof AccountOutcome.Accepted accepted) {
      return accepted.balance();
    }
    throw new ClusterDemoFailed("could not read the balance of account " + id + ": " + result);
  }

  private long totalBalance(BatonClient<AccountOperation, AccountOutcome> client,
      List<String> ids) throws ClusterDemoFailed {
    long total = 0;
    for (String id : ids) {
      total += balance(client, id);
    }
    return total;
  }

  private BatonClient<AccountOperation, AccountOutcome> accountsClient(List<URI> routes,
      int first) {
    return BatonClient.create(HttpTransport.<AccountOperation, AccountOutcome>create(
        rotate(routes, first), "account", AccountOutcome.class).withBearerToken(clientToken),
        POLICY, time);
  }

  private BatonClient<TransferOperation, TransferStatus> transfersClient(List<URI> routes,
      int first) {
    return BatonClient.create(HttpTransport.<TransferOperation, TransferStatus>create(
        rotate(routes, first), "transfer", TransferStatus.class).withBearerToken(clientToken),
        POLICY, time);
  }

  /** The routes starting at {@code first}: each worker enters the cluster through its own node. */
  private static List<URI> rotate(List<URI> routes, int first) {
    List<URI> rotated = new ArrayList<>();
    for (int i = 0; i < routes.size(); i++) {
      rotated.add(routes.get((first + i) % routes.size()));
    }
    return rotated;
  }

  private long count(Phase phase) {
    AtomicLong n = transfers.get(phase);
    return n == null ? 0 : n.get();
  }

  private String liveLine() {
    long kill = killNanos;
    long takeover = stalledEntitiesAnswered.values().stream().mapToLong(t -> t - kill).max()
        .orElse(-1);
    long money = moneyInAccounts.get();
    return String.format("[%4.1fs] requests ok %d, failed %d, retried %d | transfers completed"
        + " %d, compensated %d, refused %d | money in accounts %s of %d%s | %s",
        seconds(System.nanoTime() - startNanos), requestsOk.get(), requestsFailed.get(),
        requestsRetried.get(), count(Phase.COMPLETED), count(Phase.COMPENSATED),
        count(Phase.REFUSED), money < 0 ? "?" : Long.toString(money), openingTotal,
        kill == 0 || takeover < 0 ? "" : String.format(" | takeover %.2f s", seconds(takeover)),
        describeNodes());
  }

  /**
   * Reads the sum of all balances again and again while the load runs, for the live line (its
   * own client, not counted in the requests). Transfers between their debit and their credit hold
   * the difference to the opening total; the summary checks the total once they have all ended.
   */
  private void audit(List<URI> routes, List<String> ids) {
    BatonClient<AccountOperation, AccountOutcome> client = accountsClient(routes, 0);
    while (loadRunning) {
      long total = 0;
      for (String id : ids) {
        try {
          ClientResult<AccountOutcome> read = client.send(id, UUID.randomUUID().toString(),
              new AccountOperation.Balance()).toCompletableFuture().get();
          if (resultOf(read) instanceof AccountOutcome.Accepted accepted) {
            total += accepted.balance();
          } else {
            total = -1;
            break;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } catch (ExecutionException e) {
          total = -1;
          break;
        }
      }
      if (total >= 0) {
        moneyInAccounts.set(total);
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
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
   * Uses release 2 once the upgrade is done and the load has stopped: gives {@link
   * #OVERDRAFT_ACCOUNT} an overdraft limit ({@code set-overdraft-limit}, sent as JSON: this class
   * is compiled against release 1, as a release-1 client would be) and transfers more than its
   * balance to another account; the transfer's debit takes it below zero, and the total of all
   * balances, checked next, does not change.
   */
  private void useOverdraft(List<URI> routes,
      BatonClient<AccountOperation, AccountOutcome> accounts, List<String> ids)
      throws ClusterDemoFailed {
    String from = OVERDRAFT_ACCOUNT;
    String to = ids.get(1);
    long balance = balance(accounts, from);
    BatonClient<Map<String, Object>, AccountOutcome> raw = BatonClient.create(
        HttpTransport.<Map<String, Object>, AccountOutcome>create(routes, "account",
            AccountOutcome.class).withBearerToken(clientToken), POLICY, time);
    ClientResult<AccountOutcome> set = request(raw, from, "overdraft-limit-" + from,
        Map.of("op", "set-overdraft-limit", "limit", OVERDRAFT_LIMIT));
    if (!(resultOf(set) instanceof AccountOutcome.Accepted)) {
      throw new ClusterDemoFailed("release 2's set-overdraft-limit on " + from + " was not"
          + " accepted after the upgrade: " + set);
    }
    long amount = Math.max(1, balance + OVERDRAFT_USED);
    BatonClient<TransferOperation, TransferStatus> transfersClient = transfersClient(routes, 0);
    String transferId = "t-overdraft";
    ClientResult<TransferStatus> ordered = request(transfersClient, transferId,
        "order-" + transferId, new TransferOperation.Order(from, to, amount));
    TransferStatus status = resultOf(ordered);
    long deadline = System.nanoTime() + TRANSFER_END.toNanos();
    while ((status == null || !status.phase().isFinal()) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ClusterDemoFailed("interrupted", e);
      }
      status = resultOf(request(transfersClient, transferId, UUID.randomUUID().toString(),
          new TransferOperation.Status()));
    }
    long after = balance(accounts, from);
    out.printf("release 2 in use: %s (balance %d) given an overdraft limit of %d; transfer of %d"
        + " to %s %s; %s now at %d%n", from, balance, OVERDRAFT_LIMIT, amount, to,
        status == null ? "not answered" : status.phase().toString().toLowerCase(), from, after);
    if (status == null || status.phase() != Phase.COMPLETED || after >= 0) {
      throw new ClusterDemoFailed("the transfer into the overdraft did not complete as release 2"
          + " allows: " + (status == null ? ordered : status) + ", balance of " + from + " "
          + after);
    }
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
        List<String> seeds = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++) {
          if (i != index) {
            seeds.add(address(i));
          }
        }
        NodeProcess node = launch(index, seeds, jar.toString());
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
        "-Dbaton.ops.auth.token-file=" + root.resolve("ops.tokens"),
        "-Dbaton.client.http.auth.token-file=" + root.resolve("client.tokens")));
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
