package io.baton.samples.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.baton.client.BatonClient;
import io.baton.client.ClientResult;
import io.baton.client.ClientTime;
import io.baton.client.Reply;
import io.baton.client.Request;
import io.baton.client.RequestTransport;
import io.baton.client.RetryPolicy;
import io.baton.client.ShardingTransport;
import io.baton.journal.replication.JournalReplication;
import io.baton.samples.bank.TransferStatus.Phase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The sweeper of unfinished transfers ({@link Bank#transferEntity}): transfers left in the middle
 * of their saga by a crashed node are driven to a final state by the node that takes their shards
 * over, without any client sending them anything, and no money is created or destroyed.
 *
 * <p>Three cluster nodes in one JVM with Baton's replicated journal. Each node's transfers reach
 * the accounts through a gate of their own; the test closes every gate, orders transfers, opens
 * the gates of two nodes (their transfers finish) and keeps the third node's closed, so that its
 * transfers stay in {@code DEBITING}. Then it downs that node (to sharding, a crash: no handoff),
 * and from then on only reads account balances until the stuck transfers' money has moved.
 */
@Timeout(180)
class TransferSweeperTest {

  private static final RetryPolicy POLICY = RetryPolicy.defaults()
      .withDeadline(Duration.ofSeconds(10))
      .withBackoff(Duration.ofMillis(10), Duration.ofMillis(200), 2.0);
  private static final long OPENING = 1_000;
  private static final long AMOUNT = 10;
  private static final int TRANSFERS = 15;

  private final List<ActorTestKit> nodes = new ArrayList<>();
  private final List<AtomicBoolean> gates = new ArrayList<>();

  private static Config nodeConfig(Path dir) {
    return InJvmNodeConfig.of(dir, """
        pekko.cluster.sharding.entity-restart-backoff = 1s
        pekko.cluster.sharding.shard-failure-backoff = 1s
        pekko.cluster.sharding.updating-state-timeout = 1s
        pekko.cluster.down-removal-margin = 1ms
        """);
  }

  /** The real path to the accounts, or a failure (a cut-off node) while the gate is closed. */
  private static RequestTransport<AccountOperation, AccountOutcome> gated(
      RequestTransport<AccountOperation, AccountOutcome> real, AtomicBoolean open) {
    return new RequestTransport<>() {
      @Override
      public int routes() {
        return real.routes();
      }

      @Override
      public CompletionStage<Reply<AccountOutcome>> send(int route, String entityId,
          Request<AccountOperation> request, Duration timeout) {
        if (!open.get()) {
          return CompletableFuture.failedFuture(new TimeoutException("cut off (test gate)"));
        }
        return real.send(route, entityId, request, timeout);
      }
    };
  }

  private void startCluster() throws Exception {
    Path root = Files.createTempDirectory("baton-sweeper");
    for (int i = 0; i < 3; i++) {
      nodes.add(ActorTestKit.create("baton", nodeConfig(root.resolve("node" + i))));
    }
    for (ActorTestKit node : nodes) {
      Cluster.get(node.system()).manager()
          .tell(Join.create(Cluster.get(nodes.get(0).system()).selfMember().address()));
      JournalReplication.get(node.system());
    }
    for (ActorTestKit node : nodes) {
      node.createTestProbe().awaitAssert(Duration.ofSeconds(30), Duration.ofMillis(100), () -> {
        assertEquals(3, upMembers(node));
        return null;
      });
    }
    for (ActorTestKit node : nodes) {
      AtomicBoolean gate = new AtomicBoolean(true);
      gates.add(gate);
      Bank.init(node.system(), BatonClient.create(
          gated(ShardingTransport.create(List.of(ClusterSharding.get(node.system())),
              Account.TYPE_KEY, Account.Execute::new), gate),
          POLICY, ClientTime.of(node.system())));
    }
  }

  private static long upMembers(ActorTestKit node) {
    return java.util.stream.StreamSupport.stream(
            Cluster.get(node.system()).state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up()).count();
  }

  @AfterEach
  void stopCluster() {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).shutdownTestKit();
    }
  }

  private static BatonClient<AccountOperation, AccountOutcome> accounts(ActorTestKit via) {
    return BatonClient.create(ShardingTransport.create(List.of(ClusterSharding.get(via.system())),
        Account.TYPE_KEY, Account.Execute::new), POLICY, ClientTime.of(via.system()));
  }

  private static BatonClient<TransferOperation, TransferStatus> transfers(ActorTestKit via) {
    return BatonClient.create(ShardingTransport.create(List.of(ClusterSharding.get(via.system())),
        Transfer.TYPE_KEY, Transfer.Execute::new), POLICY, ClientTime.of(via.system()));
  }

  private static <R> R applied(CompletionStage<ClientResult<R>> stage) throws Exception {
    ClientResult<R> result = stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    ClientResult.Answered<R> answered = assertInstanceOf(ClientResult.Answered.class, result,
        () -> "no answer: " + result);
    Reply<R> reply = answered.reply();
    if (reply instanceof Reply.Applied<R> a) {
      return a.result();
    }
    if (reply instanceof Reply.AlreadyApplied<R> a) {
      return a.result();
    }
    throw new AssertionError("refused: " + reply);
  }

  /** The transfer ids hosted on {@code node} now. */
  private static Set<String> transfersOn(ActorTestKit node) {
    TestProbe<ShardRegion.CurrentShardRegionState> probe = node.createTestProbe();
    ClusterSharding.get(node.system()).shardState()
        .tell(new GetShardRegionState(Transfer.TYPE_KEY, probe.getRef()));
    Set<String> ids = new HashSet<>();
    probe.receiveMessage(Duration.ofSeconds(10)).getShards()
        .forEach(shard -> ids.addAll(shard.getEntityIds()));
    return ids;
  }

  /** Unfinished transfers of a crashed node end COMPLETED or COMPENSATED, unasked; money kept. */
  @Test
  void transfersLeftUnfinishedByACrashedNodeEndWithoutAnyClientAsking() throws Exception {
    startCluster();
    ActorTestKit survivor = nodes.get(0);
    BatonClient<AccountOperation, AccountOutcome> accounts = accounts(survivor);
    BatonClient<TransferOperation, TransferStatus> transfers = transfers(survivor);
    for (String id : List.of("alice", "bob")) {
      applied(accounts.send(id, id + ":open", new AccountOperation.Open()));
      applied(accounts.send(id, id + ":opening", new AccountOperation.Deposit(OPENING)));
    }

    gates.forEach(gate -> gate.set(false));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < TRANSFERS; i++) {
      String id = "sweep-" + i;
      ids.add(id);
      // One in five goes to an account never opened: its saga ends by compensation.
      String to = i % 5 == 4 ? "nobody" : "bob";
      TransferStatus ordered = applied(transfers.send(id, id + ":order",
          new TransferOperation.Order("alice", to, AMOUNT)));
      assertEquals(Phase.DEBITING, ordered.phase());
    }

    // The node to crash: the one other than the first (the oldest, where the coordinator
    // lives) that hosts the most transfers. Each of them is stuck behind its closed gate.
    int victimIndex = transfersOn(nodes.get(1)).size() >= transfersOn(nodes.get(2)).size() ? 1 : 2;
    ActorTestKit victim = nodes.get(victimIndex);
    Set<String> stuck = new HashSet<>(transfersOn(victim));
    stuck.retainAll(ids);
    assertTrue(!stuck.isEmpty(), "no transfer landed on node " + victimIndex);
    for (int i = 0; i < nodes.size(); i++) {
      gates.get(i).set(i != victimIndex);
    }
    // The others finish on their own; the stuck ones do not while their node lives.
    for (String id : ids) {
      if (stuck.contains(id)) {
        continue;
      }
      survivor.createTestProbe().awaitAssert(Duration.ofSeconds(30), Duration.ofMillis(100),
          () -> {
            assertTrue(status(transfers, id).phase().isFinal());
            return null;
          });
    }
    for (String id : stuck) {
      assertEquals(Phase.DEBITING, status(transfers, id).phase(), id + " is stuck on its node");
    }
    long stuckToBob = stuck.stream().filter(id -> !id.endsWith("4") && !id.endsWith("9"))
        .count();
    long aliceBefore = balance(accounts, "alice");
    long bobBefore = balance(accounts, "bob");

    // Crash: downed, its shards start elsewhere without a handoff.
    Cluster.get(survivor.system()).manager()
        .tell(new Down(Cluster.get(victim.system()).selfMember().address()));
    victim.system().getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);

    // From here on, no message to any transfer until their money has moved: only balances.
    survivor.createTestProbe().awaitAssert(Duration.ofSeconds(90), Duration.ofMillis(250),
        () -> {
          try {
            assertEquals(bobBefore + stuckToBob * AMOUNT, balance(accounts, "bob"));
            assertEquals(aliceBefore - stuckToBob * AMOUNT, balance(accounts, "alice"));
          } catch (Exception e) {
            throw new AssertionError(e);
          }
          return null;
        });
    for (String id : stuck) {
      Phase phase = status(transfers, id).phase();
      assertEquals(id.endsWith("4") || id.endsWith("9") ? Phase.COMPENSATED : Phase.COMPLETED,
          phase, id);
    }
    long completed = ids.stream().filter(id -> !id.endsWith("4") && !id.endsWith("9")).count();
    assertEquals(OPENING - completed * AMOUNT, balance(accounts, "alice"));
    assertEquals(OPENING + completed * AMOUNT, balance(accounts, "bob"));
    assertEquals(2 * OPENING, balance(accounts, "alice") + balance(accounts, "bob"),
        "money is conserved");
  }

  private static TransferStatus status(BatonClient<TransferOperation, TransferStatus> client,
      String id) throws Exception {
    return applied(client.send(id, new TransferOperation.Status()));
  }

  private static long balance(BatonClient<AccountOperation, AccountOutcome> client, String id)
      throws Exception {
    AccountOutcome outcome = applied(client.send(id, new AccountOperation.Balance()));
    return ((AccountOutcome.Accepted) outcome).balance();
  }
}
