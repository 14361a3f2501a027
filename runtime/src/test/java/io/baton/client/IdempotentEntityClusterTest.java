package io.baton.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.baton.journal.InProcessCluster;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two cluster nodes in one JVM (real artery remoting, real Cluster Sharding, Baton's replicated
 * journal): an idempotent entity applies each request at most once, whatever the client, the
 * network or the sharding buffer does with it. Each test uses its own entity.
 */
@Timeout(120)
class IdempotentEntityClusterTest {

  private static InProcessCluster cluster;
  private static ActorTestKit node0;
  private static ActorTestKit node1;
  private static List<ClusterSharding> sharding;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = new InProcessCluster(Files.createTempDirectory("baton-client"), """
        baton.journal.fsync = off
        """);
    node0 = cluster.kit(cluster.start("node0"));
    node1 = cluster.kit(cluster.start("node1"));
    cluster.awaitUp(2);
    for (ActorTestKit node : List.of(node0, node1)) {
      ClusterSharding.get(node.system()).init(Entity.of(Account.TYPE_KEY, ctx ->
          Account.create(ctx.getEntityId(), ctx.getEntityId().startsWith("bounded-")
              ? Retention.of(3, Duration.ofHours(1)) : Retention.defaults(), Clock.systemUTC())));
    }
    sharding = List.of(ClusterSharding.get(node0.system()), ClusterSharding.get(node1.system()));
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  // #client
  private static final RetryPolicy POLICY = RetryPolicy.defaults()
      .withDeadline(Duration.ofSeconds(20))
      .withAttemptTimeout(Duration.ofSeconds(5))
      .withBackoff(Duration.ofMillis(10), Duration.ofMillis(200), 2.0);

  private static ShardingTransport<Account.Command, Long, Long> sharded() {
    return ShardingTransport.create(sharding, Account.TYPE_KEY, Account.Deposit::new);
  }

  private static BatonClient<Long, Long> client(RequestTransport<Long, Long> transport) {
    return BatonClient.create(transport, POLICY, ClientTime.of(node0.system()));
  }
  // #client

  private static ClientResult<Long> await(CompletionStage<ClientResult<Long>> stage)
      throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static Account.Snapshot get(String accountId) throws Exception {
    EntityRef<Account.Command> ref = sharding.get(1).entityRefFor(Account.TYPE_KEY, accountId);
    return ref.<Account.Snapshot>ask(Account.Get::new, Duration.ofSeconds(10))
        .toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  private static Reply<Long> ask(int node, String accountId, Request<Long> request)
      throws Exception {
    return sharding.get(node).entityRefFor(Account.TYPE_KEY, accountId)
        .<Reply<Long>>ask(replyTo -> new Account.Deposit(request, replyTo), Duration.ofSeconds(10))
        .toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  private static Request<Long> request(String id, long amount) {
    long now = System.currentTimeMillis();
    return Request.create(id, now, now + 60_000, amount);
  }

  /**
   * The reply to the first attempt is lost after the entity applied it; the client's retry with
   * the same key is answered AlreadyApplied with the first result, and the deposit counts once.
   */
  @Test
  void aRequestRetriedAfterItsReplyWasLostIsAppliedOnce() throws Exception {
    ShardingTransport<Account.Command, Long, Long> real = sharded();
    LosingFirstReply<Long, Long> losingFirstReply = new LosingFirstReply<>(real);

    ClientResult<Long> result = await(client(losingFirstReply).send("lost-reply", 100L));

    ClientResult.Answered<Long> answered = assertInstanceOf(ClientResult.Answered.class, result);
    assertEquals(new Reply.AlreadyApplied<>(result.requestId(), 100L), answered.reply());
    assertEquals(List.of(Attempt.Outcome.TIMED_OUT, Attempt.Outcome.REPLIED),
        result.attempts().stream().map(Attempt::outcome).toList());
    assertEquals(List.of(0, 1), result.attempts().stream().map(Attempt::route).toList(),
        "the retry entered the cluster through the other node");
    Account.State state = get("lost-reply").state();
    assertEquals(100, state.balance());
    assertEquals(1, state.deposits());
  }

  /**
   * The same request delivered twice, once through each node, as the sharding buffer delivers a
   * request after its caller gave up and retried: the first delivery applies it, the second is
   * answered with the recorded result, and the deposit counts once.
   */
  @Test
  void aRequestDeliveredTwiceIsAppliedOnce() throws Exception {
    Request<Long> deposit = request("dup-1", 70L);
    // A reply address must belong to the actor system the message is sent from.
    TestProbe<Reply<Long>> viaNode0 = node0.createTestProbe();
    TestProbe<Reply<Long>> viaNode1 = node1.createTestProbe();
    sharding.get(0).entityRefFor(Account.TYPE_KEY, "duplicated")
        .tell(new Account.Deposit(deposit, viaNode0.ref()));
    Reply<Long> first = viaNode0.receiveMessage(Duration.ofSeconds(15));
    sharding.get(1).entityRefFor(Account.TYPE_KEY, "duplicated")
        .tell(new Account.Deposit(deposit, viaNode1.ref()));
    Reply<Long> second = viaNode1.receiveMessage(Duration.ofSeconds(15));

    assertEquals(new Reply.Applied<>("dup-1", 70L), first);
    assertEquals(new Reply.AlreadyApplied<>("dup-1", 70L), second);
    Account.State state = get("duplicated").state();
    assertEquals(70, state.balance());
    assertEquals(1, state.deposits());
  }

  /**
   * After the entity stops and recovers from the journal, a retry of an applied request is
   * answered AlreadyApplied with the result recorded before the restart (not recomputed: the
   * retry's payload differs), and the recovered state, log included, equals the state before.
   */
  @Test
  void aRetryAfterRecoveryIsAnsweredWithTheRecordedResult() throws Exception {
    // #send
    BatonClient<Long, Long> client = client(sharded());
    ClientResult<Long> result = await(client.send("recovering", "r-1", 10L));
    if (result instanceof ClientResult.Answered<Long> answered) {
      assertEquals(new Reply.Applied<>("r-1", 10L), answered.reply());
    } else {
      throw new AssertionError("outcome unknown after " + result.attempts());
    }
    // #send
    assertEquals(new Reply.Applied<>("r-2", 30L),
        ((ClientResult.Answered<Long>) await(client.send("recovering", "r-2", 20L))).reply());
    Account.Snapshot before = get("recovering");

    sharding.get(0).entityRefFor(Account.TYPE_KEY, "recovering").tell(new Account.Stop());
    TestProbe<Object> probe = node0.createTestProbe();
    Account.Snapshot after = probe.awaitAssert(Duration.ofSeconds(15), Duration.ofMillis(50),
        () -> {
          Account.Snapshot now = get("recovering");
          assertNotEquals(before.incarnation(), now.incarnation(), "not yet restarted");
          return now;
        });
    assertEquals(before.state(), after.state(), "recovery rebuilt the state and its log");

    ClientResult<Long> retry = await(client.send("recovering", "r-1", 10L));
    assertEquals(new Reply.AlreadyApplied<>("r-1", 10L),
        ((ClientResult.Answered<Long>) retry).reply());
    assertEquals(30, get("recovering").state().balance());
  }

  /**
   * With room for 3 records, 5 deposits leave the 3 newest in the log; a retry of the first,
   * forgotten one is refused (BEYOND_RETENTION), not applied again.
   */
  @Test
  void theRetentionBoundHoldsAndAForgottenRequestIsRefused() throws Exception {
    Request<Long> first = request("b-1", 1L);
    assertEquals(new Reply.Applied<>("b-1", 1L), ask(0, "bounded-1", first));
    for (int i = 2; i <= 5; i++) {
      assertInstanceOf(Reply.Applied.class, ask(0, "bounded-1", request("b-" + i, 1L)));
    }
    Account.State state = get("bounded-1").state();
    assertEquals(List.of("b-3", "b-4", "b-5"),
        state.log().entries().stream().map(AppliedRequest::requestId).toList());
    assertEquals(2, state.log().dropped());

    assertEquals(new Reply.Rejected<>("b-1", Reply.Rejected.BEYOND_RETENTION),
        ask(1, "bounded-1", first));
    assertEquals(new Reply.AlreadyApplied<>("b-4", 4L), ask(1, "bounded-1",
        request("b-4", 1L)));
    assertEquals(5, get("bounded-1").state().balance());
  }

  /** A request that reaches the entity after its deadline is refused, never applied unseen. */
  @Test
  void aRequestArrivingAfterItsDeadlineIsRefused() throws Exception {
    long now = System.currentTimeMillis();
    Request<Long> expired = Request.create("late-1", now - 10_000, now - 5_000, 5L);
    assertEquals(new Reply.Rejected<>("late-1", Reply.Rejected.DEADLINE_PASSED),
        ask(1, "late", expired));
    assertEquals(new Reply.Rejected<>("late-2", "amount must be positive"),
        ask(1, "late", request("late-2", -5L)));
    assertEquals(0, get("late").state().deposits());
  }
}
