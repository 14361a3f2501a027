package io.baton.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.journal.InProcessCluster;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two cluster nodes in one JVM, each serving the client entry point over HTTP on a port of its
 * own: BatonClient with HttpTransport reaches the sharded entity through either node, and a retry
 * through the other node after a lost reply is applied once.
 */
@Timeout(120)
class HttpEntryPointTest {

  private static InProcessCluster cluster;
  private static ActorTestKit node0;
  private static ActorTestKit node1;
  private static List<URI> addresses;
  private static final HttpClient RAW = HttpClient.newHttpClient();

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = new InProcessCluster(Files.createTempDirectory("baton-http"), """
        baton.journal.fsync = off
        baton.client.http.enabled = on
        baton.client.http.port = 0
        """);
    node0 = cluster.kit(cluster.start("node0"));
    node1 = cluster.kit(cluster.start("node1"));
    cluster.awaitUp(2);
    addresses = new ArrayList<>();
    for (ActorTestKit node : List.of(node0, node1)) {
      ClusterSharding.get(node.system()).init(Entity.of(Account.TYPE_KEY, ctx ->
          Account.create(ctx.getEntityId(), Retention.defaults(), Clock.systemUTC())));
      HttpEntryPoint.get(node.system()).expose(Account.TYPE_KEY, Long.class, Account.Deposit::new);
      InetSocketAddress bound = HttpEntryPoint.get(node.system()).address().toCompletableFuture()
          .get(10, TimeUnit.SECONDS).orElseThrow();
      addresses.add(URI.create("http://127.0.0.1:" + bound.getPort()));
    }
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  private static final RetryPolicy POLICY = RetryPolicy.defaults()
      .withDeadline(Duration.ofSeconds(20))
      .withAttemptTimeout(Duration.ofSeconds(5))
      .withBackoff(Duration.ofMillis(10), Duration.ofMillis(200), 2.0);

  private static HttpTransport<Long, Long> overHttp() {
    return HttpTransport.create(addresses, Account.TYPE_KEY.name(), Long.class);
  }

  private static ClientResult<Long> await(CompletionStage<ClientResult<Long>> stage)
      throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static Account.State state(String accountId) throws Exception {
    return ClusterSharding.get(node1.system()).entityRefFor(Account.TYPE_KEY, accountId)
        .<Account.Snapshot>ask(Account.Get::new, Duration.ofSeconds(10))
        .toCompletableFuture().get(15, TimeUnit.SECONDS).state();
  }

  private static HttpResponse<String> post(URI node, String path, String key, String body)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(node.resolve(path))
        .timeout(Duration.ofSeconds(15))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    return RAW.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The entity applies the first attempt but its HTTP answer is lost; the client retries with the
   * same key through the other node's entry point, is answered AlreadyApplied with the first
   * result, and the deposit counts once.
   */
  @Test
  void aRequestRetriedOverHttpAfterALostReplyIsAppliedOnce() throws Exception {
    HttpTransport<Long, Long> real = overHttp();
    LosingFirstReply<Long, Long> losingFirstReply = new LosingFirstReply<>(real);
    BatonClient<Long, Long> client =
        BatonClient.create(losingFirstReply, POLICY, ClientTime.of(node0.system()));

    ClientResult<Long> result = await(client.send("http-lost-reply", 100L));

    ClientResult.Answered<Long> answered = assertInstanceOf(ClientResult.Answered.class, result);
    assertEquals(new Reply.AlreadyApplied<>(result.requestId(), 100L), answered.reply());
    assertEquals(List.of(0, 1), result.attempts().stream().map(Attempt::route).toList(),
        "the retry went to the other node's entry point");
    Account.State state = state("http-lost-reply");
    assertEquals(100, state.balance());
    assertEquals(1, state.deposits());
  }

  /** Applied and rejected replies cross HTTP intact, through either node. */
  @Test
  void repliesCrossHttpAsTheEntityGaveThem() throws Exception {
    BatonClient<Long, Long> client =
        BatonClient.create(overHttp(), POLICY, ClientTime.of(node0.system()));
    assertEquals(new Reply.Applied<>("h-1", 5L),
        ((ClientResult.Answered<Long>) await(client.send("http-plain", "h-1", 5L))).reply());
    assertEquals(new Reply.Rejected<>("h-2", "amount must be positive"),
        ((ClientResult.Answered<Long>) await(client.send("http-plain", "h-2", -1L))).reply());
    assertEquals(5, state("http-plain").balance());
  }

  /**
   * A request the entry point refuses as such (400 a bad entity id, 422 a key reused with another
   * payload) is a final Rejected after one attempt with the body's error code as its reason: no
   * retry on the other node, which would answer the same, until the deadline.
   */
  @Test
  void aRefusedRequestIsFinalAfterOneAttemptWithTheErrorCodeAsItsReason() throws Exception {
    BatonClient<Long, Long> client =
        BatonClient.create(overHttp(), POLICY, ClientTime.of(node0.system()));
    ClientResult<Long> badId = await(client.send("bad|id", "x-1", 5L));
    Reply<Long> refused = assertInstanceOf(ClientResult.Answered.class, badId).reply();
    Reply.Rejected<Long> rejected = assertInstanceOf(Reply.Rejected.class, refused);
    assertTrue(rejected.reason().startsWith("bad-entity-id: "), rejected.reason());
    assertEquals(1, badId.attempts().size(), "retried a refusal: " + badId.attempts());

    assertInstanceOf(Reply.Applied.class, ((ClientResult.Answered<Long>) await(
        client.send("http-reuse", "x-2", 5L))).reply());
    ClientResult<Long> reused = await(client.send("http-reuse", "x-2", 6L));
    Reply.Rejected<Long> keyReused = assertInstanceOf(Reply.Rejected.class,
        assertInstanceOf(ClientResult.Answered.class, reused).reply());
    assertTrue(keyReused.reason().startsWith(Reply.Rejected.KEY_REUSED + ": "),
        keyReused.reason());
    assertEquals(1, reused.attempts().size(), "retried a refusal: " + reused.attempts());
    assertEquals(5, state("http-reuse").balance());
  }

  /**
   * Status codes: 200 applied then 200 already-applied for the same key through the other node,
   * 409 rejected, 400 without a key or with a body that is not the payload, 404 for a type that
   * is not exposed.
   */
  @Test
  void theEntryPointAnswersWithStatusCodesThatSayWhetherToRetry() throws Exception {
    HttpResponse<String> first = post(addresses.get(0), "/entities/account/codes", "c-1", "7");
    assertEquals(200, first.statusCode(), first.body());
    assertTrue(first.body().contains("\"reply\":\"applied\""), first.body());
    HttpResponse<String> again = post(addresses.get(1), "/entities/account/codes", "c-1", "7");
    assertEquals(200, again.statusCode(), again.body());
    assertTrue(again.body().contains("\"reply\":\"already-applied\""), again.body());
    assertTrue(again.body().contains("\"result\":7"), again.body());

    assertEquals(409, post(addresses.get(0), "/entities/account/codes", "c-2", "-3")
        .statusCode());
    assertEquals(400, post(addresses.get(0), "/entities/account/codes", null, "7").statusCode());
    assertEquals(400, post(addresses.get(0), "/entities/account/codes", "c-3", "\"seven\"")
        .statusCode());
    assertEquals(404, post(addresses.get(0), "/entities/nothing/x", "c-4", "7").statusCode());
    assertEquals(7, state("codes").balance());
    assertEquals(1, state("codes").deposits());
  }
}
