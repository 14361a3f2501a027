package io.baton.samples.bank.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.baton.client.BatonClient;
import io.baton.client.ClientResult;
import io.baton.client.ClientTime;
import io.baton.client.HttpTransport;
import io.baton.client.Reply;
import io.baton.client.RetryPolicy;
import io.baton.samples.bank.AccountOperation;
import io.baton.samples.bank.AccountOutcome;
import io.baton.samples.bank.TransferOperation;
import io.baton.samples.bank.TransferStatus;
import io.baton.samples.bank.TransferStatus.Phase;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Release 1 and release 2 of the bank in one cluster of real JVMs, started from the two fat jars
 * ({@code baton-samples-all.jar}, {@code baton-samples-v2-all.jar}) exactly as an operator would,
 * under a load of transfers:
 *
 * <ol>
 *   <li>node1 and node2 run release 1, node3 release 2; node3 hosts shards and writes accounts'
 *       events, at schema version 1 (its active version stays 1), and refuses the new overdraft
 *       command;
 *   <li>node3 leaves: its shards move to the release-1 nodes, which replay every event written
 *       while mixed: every account and every transfer answers through node1 and node2 alone, and
 *       the bank's total is what was deposited;
 *   <li>node3 comes back on release 2, then node1 and node2 are restarted on release 2 one at a
 *       time (only the jar path changes): the active version stays 1 while node2 still runs
 *       release 1, and becomes 2 on every node once it runs release 2; the overdraft command is
 *       accepted then, and the total is still conserved.
 * </ol>
 *
 * <p>The active version is read from each node's {@code BANK-NODE ACTIVE-VERSION} report (what
 * {@code SchemaVersions.activeVersionOf(Account.State)} returns there, as set by the version
 * gate). Every node is stopped by PID at the end, whatever happened.
 */
@Timeout(600)
class BankMixedVersionIT {

  private static final int ACCOUNTS = 12;
  private static final long OPENING_BALANCE = 1000;
  private static final Duration NODE_START = Duration.ofSeconds(120);
  private static final Duration NODE_STOP = Duration.ofSeconds(60);
  private static final Duration GATE = Duration.ofSeconds(60);
  private static final Duration TRANSFER_END = Duration.ofSeconds(60);
  private static final RetryPolicy POLICY = RetryPolicy.defaults()
      .withDeadline(Duration.ofSeconds(30))
      .withBackoff(Duration.ofMillis(50), Duration.ofMillis(500), 2.0);

  @TempDir Path root;

  private BankNodeJvms jvms;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
      runnable -> {
        Thread thread = new Thread(runnable, "mixed-version-scheduler");
        thread.setDaemon(true);
        return thread;
      });
  private final ClientTime time = ClientTime.of(scheduler);

  private final NodeProcess[] nodes = new NodeProcess[3];
  private final List<String> accounts = new ArrayList<>();
  private final List<String> transfers = new CopyOnWriteArrayList<>();
  private final Map<Phase, AtomicLong> finals = new ConcurrentHashMap<>();
  private final AtomicLong failedRequests = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong overdraftUnanswered = new AtomicLong();

  @AfterEach
  void stopEveryNode() throws InterruptedException {
    if (jvms != null) {
      jvms.killAll();
    }
    scheduler.shutdownNow();
  }

  @Test
  void release1NodesReadEverythingRelease2WroteAndTheVersionAdvancesOnlyWhenAllRunRelease2()
      throws Exception {
    Path v1 = jar("baton.samples.jar");
    Path v2 = jar("baton.samples.v2.jar");
    jvms = BankNodeJvms.create(root, 3);

    // 1. Two release-1 nodes and one release-2 node.
    nodes[0] = launch(0, v1, List.of(address(0)));
    nodes[1] = launch(1, v1, List.of(address(0)));
    nodes[2] = launch(2, v2, List.of(address(0)));
    awaitMembers(3, 0, 1, 2);
    assertEquals(List.of(1, 1, 2), List.of(nodes[0].release(), nodes[1].release(),
        nodes[2].release()), "the jars run the releases they are named after");

    BatonClient<AccountOperation, AccountOutcome> all = accountsClient(List.of(0, 1, 2));
    for (int i = 0; i < ACCOUNTS; i++) {
      String id = "acc-" + i;
      accounts.add(id);
      expectAccepted(all, id, new AccountOperation.Open());
      expectAccepted(all, id, new AccountOperation.Deposit(OPENING_BALANCE));
    }
    long deposited = ACCOUNTS * OPENING_BALANCE;

    Load load = Load.start(this, List.of(0, 1, 2));
    awaitTransfers(30);
    // New shards start where their first request arrived, and rebalancing gives an empty node
    // its share within a few rebalance ticks: wait for it rather than race it.
    assertTrue(nodes[2].await(n -> n.shards() > 0, Duration.ofSeconds(60)),
        "node3 (release 2) hosts shards while mixed: " + nodes[2].shards());
    assertEquals(1, nodes[2].activeVersion(),
        "node3 must write release 1's schema while release-1 nodes are members");
    assertOverdraftLimitNeverAppliedWhileMixed();

    // 2. node3 leaves, under load: the release-1 nodes take its shards and replay what it wrote.
    stop(2);
    awaitMembers(2, 0, 1);
    awaitTransfers(finished() + 10);
    load.stop();
    assertEverythingAnswersAndTotal(deposited, List.of(0, 1));

    // 3. node3 back on release 2; then node1 and node2 restarted on release 2, one at a time.
    nodes[2] = launch(2, v2, List.of(address(0), address(1)));
    awaitMembers(3, 0, 1, 2);
    load = Load.start(this, List.of(0, 1, 2));
    awaitTransfers(finished() + 10);

    stop(0);
    awaitMembers(2, 1, 2);
    nodes[0] = launch(0, v2, List.of(address(1), address(2)));
    awaitMembers(3, 0, 1, 2);
    awaitTransfers(finished() + 10);
    assertEquals(1, nodes[0].activeVersion(), "node1 on release 2 while node2 runs release 1");
    assertEquals(1, nodes[2].activeVersion(), "node3 on release 2 while node2 runs release 1");

    stop(1);
    awaitMembers(2, 0, 2);
    nodes[1] = launch(1, v2, List.of(address(0), address(2)));
    awaitMembers(3, 0, 1, 2);
    for (int i = 0; i < 3; i++) {
      NodeProcess node = nodes[i];
      assertTrue(node.await(n -> n.activeVersion() == 2, GATE),
          node.name + " did not move to schema version 2 once every node ran release 2: "
              + node.activeVersion() + "\n" + logs());
    }
    awaitTransfers(finished() + 10);
    load.stop();

    // The new feature works now, and money is still conserved.
    ClientResult<AccountOutcome> set =
        setOverdraftLimit(List.of(0, 1, 2), accounts.get(0), 500, POLICY);
    assertTrue(set instanceof ClientResult.Answered<AccountOutcome> a
        && a.reply() instanceof Reply.Applied<AccountOutcome>,
        "the overdraft limit after the upgrade: " + set);
    assertEverythingAnswersAndTotal(deposited, List.of(0, 1, 2));
    System.out.printf("mixed-version run: %d transfers (%s), %d requests, %d unanswered"
        + " (%d of them the overdraft command sent while mixed to accounts on release-1 nodes)%n",
        transfers.size(), finals, requests.get(), failedRequests.get(),
        overdraftUnanswered.get());
  }

  // ------------------------------------------------------------------ checks

  /** Every account and every transfer answers through {@code routes}; the total is {@code total}. */
  private void assertEverythingAnswersAndTotal(long total, List<Integer> routes)
      throws Exception {
    BatonClient<AccountOperation, AccountOutcome> client = accountsClient(routes);
    long sum = 0;
    for (String id : accounts) {
      ClientResult<AccountOutcome> read = request(client, id, new AccountOperation.Balance());
      if (!(resultOf(read) instanceof AccountOutcome.Accepted balance)) {
        fail("account " + id + " did not answer through " + routes + ": " + read + "\n" + logs());
        return;
      }
      sum += balance.balance();
    }
    BatonClient<TransferOperation, TransferStatus> transfersClient = transfersClient(routes);
    for (String id : transfers) {
      TransferStatus status = resultOf(request(transfersClient, id,
          new TransferOperation.Status()));
      assertTrue(status != null && status.phase().isFinal() && status.phase() != Phase.STUCK,
          "transfer " + id + " through " + routes + ": " + status);
    }
    assertEquals(total, sum, "the bank's total through " + routes + "\n" + logs());
  }

  private void awaitMembers(int count, int... indexes) throws Exception {
    for (int i : indexes) {
      NodeProcess node = nodes[i];
      if (!node.await(n -> n.members() == count, NODE_START)) {
        fail(node.name + " did not see " + count + " members Up: " + node.members() + "\n"
            + logs());
      }
    }
  }

  private void awaitTransfers(long count) throws Exception {
    long deadline = System.nanoTime() + TRANSFER_END.toNanos();
    while (finished() < count) {
      if (System.nanoTime() > deadline) {
        fail("only " + finished() + " of " + count + " transfers finished\n" + logs());
      }
      Thread.sleep(100);
    }
  }

  private long finished() {
    return finals.values().stream().mapToLong(AtomicLong::get).sum();
  }

  // ------------------------------------------------------------------ load

  /** One client thread ordering transfers between random accounts, each awaited until final. */
  private static final class Load {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    private Load(Thread thread) {
      this.thread = thread;
    }

    static Load start(BankMixedVersionIT test, List<Integer> routes) {
      Load[] self = new Load[1];
      Thread thread = new Thread(() -> test.transferUntilStopped(routes, self[0].running),
          "mixed-version-load");
      self[0] = new Load(thread);
      thread.setDaemon(true);
      thread.start();
      return self[0];
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join(TRANSFER_END.multipliedBy(2).toMillis());
      if (thread.isAlive()) {
        fail("the load did not stop");
      }
    }
  }

  private void transferUntilStopped(List<Integer> routes, AtomicBoolean running) {
    BatonClient<TransferOperation, TransferStatus> client = transfersClient(routes);
    Random random = new Random(transfers.size());
    while (running.get()) {
      int from = random.nextInt(ACCOUNTS);
      int to = (from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
      String id = "t-" + UUID.randomUUID();
      ClientResult<TransferStatus> ordered = request(client, id, new TransferOperation.Order(
          accounts.get(from), accounts.get(to), 1 + random.nextInt(300)));
      if (resultOf(ordered) == null) {
        TransferStatus status = resultOf(request(client, id, new TransferOperation.Status()));
        if (status == null || status.phase() == Phase.NEW) {
          continue; // never ordered: past the order's deadline the entity refuses it
        }
      }
      transfers.add(id);
      awaitFinal(client, id);
    }
  }

  private void awaitFinal(BatonClient<TransferOperation, TransferStatus> client, String id) {
    long deadline = System.nanoTime() + TRANSFER_END.toNanos();
    while (System.nanoTime() < deadline) {
      TransferStatus status = resultOf(request(client, id, new TransferOperation.Status()));
      if (status != null && status.phase().isFinal()) {
        finals.computeIfAbsent(status.phase(), p -> new AtomicLong()).incrementAndGet();
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  // ------------------------------------------------------------------ clients

  private <P, R> ClientResult<R> request(BatonClient<P, R> client, String id, P payload) {
    requests.incrementAndGet();
    try {
      ClientResult<R> result = client.send(id, UUID.randomUUID().toString(), payload)
          .toCompletableFuture().get();
      if (!(result instanceof ClientResult.Answered<R>)) {
        failedRequests.incrementAndGet();
      }
      return result;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      failedRequests.incrementAndGet();
      return new ClientResult.Unknown<>(id, String.valueOf(e.getCause()), List.of());
    }
  }

  private void expectAccepted(BatonClient<AccountOperation, AccountOutcome> client, String id,
      AccountOperation op) {
    ClientResult<AccountOutcome> result = request(client, id, op);
    assertInstanceOf(AccountOutcome.Accepted.class, resultOf(result), op + " on " + id + ": "
        + result);
  }

  /**
   * While mixed, release 2's {@code set-overdraft-limit} sent to the release-2 node is never
   * applied: an account hosted there rejects it (release 1 could not keep the limit); one hosted
   * on a release-1 node never gets it (that node cannot read the new operation and drops it, so
   * the client sees no answer). At least one account is hosted on node3 (it hosts shards).
   */
  private void assertOverdraftLimitNeverAppliedWhileMixed() {
    RetryPolicy brief = POLICY.withDeadline(Duration.ofSeconds(3));
    List<String> outcomes = new ArrayList<>();
    boolean rejected = false;
    for (String id : accounts) {
      ClientResult<AccountOutcome> result = setOverdraftLimit(List.of(2), id, 500, brief);
      if (result instanceof ClientResult.Answered<AccountOutcome> answered) {
        Reply<AccountOutcome> reply = answered.reply();
        outcomes.add(id + ": " + reply);
        assertTrue(reply instanceof Reply.Rejected<AccountOutcome> r
            && r.reason().contains("every node runs bank release 2"),
            "the overdraft limit must not be applied while mixed: " + outcomes);
        rejected = true;
        break;
      }
      outcomes.add(id + ": no answer");
      overdraftUnanswered.incrementAndGet();
    }
    assertTrue(rejected, "no account hosted on node3 rejected the overdraft limit: " + outcomes);
  }

  /**
   * Sends release 2's {@code set-overdraft-limit} as JSON: this test is compiled against release
   * 1's classes, which do not have it, as a release-1 client would be.
   */
  private ClientResult<AccountOutcome> setOverdraftLimit(List<Integer> routes, String id,
      long limit, RetryPolicy policy) {
    BatonClient<Map<String, Object>, AccountOutcome> client = BatonClient.create(
        HttpTransport.create(uris(routes), "account", AccountOutcome.class), policy, time);
    return request(client, id, Map.of("op", "set-overdraft-limit", "limit", limit));
  }

  private BatonClient<AccountOperation, AccountOutcome> accountsClient(List<Integer> routes) {
    return BatonClient.create(HttpTransport.create(uris(routes), "account",
        AccountOutcome.class), POLICY, time);
  }

  private BatonClient<TransferOperation, TransferStatus> transfersClient(List<Integer> routes) {
    return BatonClient.create(HttpTransport.create(uris(routes), "transfer",
        TransferStatus.class), POLICY, time);
  }

  private List<URI> uris(List<Integer> routes) {
    return routes.stream().map(jvms::http).toList();
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

  // ------------------------------------------------------------------ processes

  /** Starts node {@code index} from {@code jar}: the one thing that differs between releases. */
  private NodeProcess launch(int index, Path jar, List<String> seeds) throws IOException {
    return jvms.launch(index, jar, seeds);
  }

  /** Stops node {@code index} as an operator would (SIGTERM: it leaves the cluster). */
  private void stop(int index) throws InterruptedException {
    Process process = nodes[index].process;
    process.destroy();
    if (!process.waitFor(NODE_STOP.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private String address(int index) {
    return jvms.address(index);
  }

  private String logs() {
    return jvms.logs();
  }

  private static Path jar(String property) {
    return BankNodeJvms.jar(property);
  }
}
