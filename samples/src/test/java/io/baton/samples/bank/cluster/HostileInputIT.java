package io.baton.samples.bank.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and careless input against three bank node JVMs started from the fat jar (cluster
 * transport on TLS), over their real ports, as anyone on the network could send it (issue 11):
 *
 * <ul>
 *   <li>every hostile request to the client entry point (a body over the size limit, a string or a
 *       property name the journal could not read back, a JSON null, an entity id with '|', an
 *       idempotency key reused with another payload, a number written as a string or as a
 *       fraction) is answered with a 4xx JSON error naming the rule, and nothing of it is applied;
 *   <li>meanwhile an open-loop load of deposits to other accounts (20/s, the project's {@code
 *       OpenLoopGenerator}, latency from each request's intended start) is acknowledged in full,
 *       none slower than the p99 of its quiet phase before by more than the attempt timeout
 *       (1.5 s);
 *   <li>after a restart of the node every account is readable with exactly the deposits that were
 *       acknowledged;
 *   <li>the operator endpoint refuses a drain without a token (401) and a cross-origin one with
 *       the token (403), and takes the authorised one (202).
 * </ul>
 */
@Timeout(300)
class HostileInputIT {

  private static final Duration NODE_START = Duration.ofSeconds(120);
  private static final Duration ATTEMPT = Duration.ofMillis(1500);
  private static final int ACCOUNTS = 12;
  private static final String OPS_TOKEN = "hostile-input-it-" + Long.toHexString(
      new java.security.SecureRandom().nextLong());

  @TempDir Path root;

  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();
  private BankNodeJvms jvms;
  private final List<Integer> opsPorts = new ArrayList<>();

  @AfterEach
  void killEveryProcessByPid() throws InterruptedException {
    if (jvms != null) {
      jvms.killAll();
    }
  }

  @Test
  void hostileInputIsRefusedWithAJsonErrorWhileOtherWritesGoOnAndNothingOfItIsKept()
      throws Exception {
    Path jar = BankNodeJvms.jar("baton.samples.jar");
    jvms = BankNodeJvms.create(root, 3);
    opsPorts.addAll(BankClusterDemo.freePorts(3));
    Files.writeString(root.resolve("ops.tokens"), OPS_TOKEN + "\n");
    NodeProcess[] nodes = new NodeProcess[3];
    for (int i = 0; i < 3; i++) {
      nodes[i] = jvms.launch(i, jar, List.of(jvms.address(0)), opsOptions(i));
    }
    awaitReady(nodes);
    URI entry = jvms.http(1);

    // A quiet round: open and fund every account, then the p99 of one deposit each.
    // A fresh cluster still allocates and rebalances its shards: retried with the same key, as
    // a client would, until answered.
    for (int a = 0; a < ACCOUNTS; a++) {
      assertStatus(200, postUntilAnswered(entry, "account/acct-" + a, "open-" + a,
          "{\"op\":\"open\"}"));
      assertStatus(200, postUntilAnswered(entry, "account/acct-" + a, "fund-" + a,
          "{\"op\":\"deposit\",\"amount\":100}"));
    }
    // Deposits to every account at a fixed rate (open loop: a stall shows, it does not slow the
    // load), from a quiet phase before the hostile requests until after the last of them.
    java.util.Map<String, Long> acknowledged = new java.util.concurrent.ConcurrentHashMap<>();
    io.baton.load.EntityClient client = io.baton.load.EntityClient.create(
        List.of(jvms.http(0), jvms.http(2)),
        io.baton.load.AttemptPolicy.of(ATTEMPT, Duration.ofSeconds(10)),
        io.baton.load.LoadClock.system());
    io.baton.load.OpenLoopGenerator others =
        io.baton.load.OpenLoopGenerator.create(client, null, null);
    others.start("quiet", List.of(io.baton.load.ArrivalStream.of("deposits", 20, i ->
        io.baton.load.LoadRequest.of("account", "acct-" + (i % ACCOUNTS),
            "{\"op\":\"deposit\",\"amount\":1}", "flow-" + i))), outcome -> {
              if (outcome.outcome() == io.baton.load.Outcome.OK
                  || outcome.outcome() == io.baton.load.Outcome.ALREADY_APPLIED) {
                acknowledged.merge(outcome.request().id(), 1L, Long::sum);
              }
            });
    awaitAcknowledged(acknowledged, 40);
    others.markPhase("hostile");

    String big = "{\"op\":\"deposit\",\"amount\":1,\"note\":\"" + "x".repeat(300_000) + "\"}";
    // Expect: 100-continue, as curl sends it for a large body: the client waits for the node's
    // answer before it sends the body (without it, a client still writing when the node answers
    // 413 and closes may read the connection reset before the answer: 1 run in 3).
    assertError(413, "request-too-large", http.send(request(entry, "account/acct-0", "h-1", big)
        .expectContinue(true).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString()));
    assertError(400, null, post(entry, "transfer/t-long", "h-2",
        "{\"op\":\"order\",\"from\":\"" + "a".repeat(52_000) + "\",\"to\":\"acct-1\",\"amount\":1}"));
    assertError(400, null, post(entry, "account/acct-0", "h-3",
        "{\"op\":\"deposit\",\"amount\":1,\"" + "k".repeat(52_000) + "\":1}"));
    assertError(400, "null-body", post(entry, "account/acct-0", "h-4", "null"));
    assertError(400, "bad-entity-id", post(entry, "account/acct%7C0", "h-5",
        "{\"op\":\"deposit\",\"amount\":1}"));
    assertError(400, "bad-json", post(entry, "account/acct-0", "h-6",
        "{\"op\":\"deposit\",\"amount\":\"3\"}"));
    assertError(400, "bad-json", post(entry, "account/acct-0", "h-7",
        "{\"op\":\"deposit\",\"amount\":2.7}"));
    assertStatus(200, post(entry, "account/acct-0", "h-8", "{\"op\":\"deposit\",\"amount\":5}"));
    assertError(422, "idempotency-key-reused", post(jvms.http(0), "account/acct-0", "h-8",
        "{\"op\":\"deposit\",\"amount\":500}"));
    others.markPhase("after");
    long afterMark = acknowledged.values().stream().mapToLong(Long::longValue).sum();
    awaitAcknowledged(acknowledged, afterMark + 40);
    io.baton.load.LoadSummary load = others.stop();
    client.close();
    var quiet = load.phase("quiet").orElseThrow();
    var hostile = load.phase("hostile").orElseThrow();
    assertEquals(0, load.count(io.baton.load.Outcome.FAILED) + load.count(
        io.baton.load.Outcome.REJECTED) + load.count(io.baton.load.Outcome.CLIENT_ERROR),
        "every deposit beside the hostile requests is acknowledged: " + load.format());
    assertTrue(hostile.latency().count() > 0, "deposits ran during the hostile requests: "
        + load.format());
    assertTrue(hostile.latency().max() <= quiet.latency().p99() + ATTEMPT.toMillis(),
        "a deposit beside the hostile requests took " + hostile.latency().max() + " ms; quiet"
        + " p99 " + quiet.latency().p99() + " ms, attempt timeout " + ATTEMPT.toMillis() + " ms\n"
        + load.format());

    // The operator endpoint: no token 401, cross-origin 403, authorised 202.
    URI ops = URI.create("http://127.0.0.1:" + opsPorts.get(0));
    String target = "/drain/node3";
    assertEquals(401, send(HttpRequest.newBuilder(ops.resolve(target))
        .POST(HttpRequest.BodyPublishers.noBody())).statusCode());
    assertEquals(403, send(HttpRequest.newBuilder(ops.resolve(target))
        .header("Authorization", "Bearer " + OPS_TOKEN).header("Origin", "https://evil.example")
        .POST(HttpRequest.BodyPublishers.noBody())).statusCode());
    HttpResponse<String> drained = send(HttpRequest.newBuilder(ops.resolve(target))
        .header("Authorization", "Bearer " + OPS_TOKEN)
        .POST(HttpRequest.BodyPublishers.noBody()));
    assertEquals(202, drained.statusCode(), drained.body());
    HttpResponse<String> undrained = send(HttpRequest.newBuilder(ops.resolve("/undrain/node3"))
        .header("Authorization", "Bearer " + OPS_TOKEN)
        .POST(HttpRequest.BodyPublishers.noBody()));
    assertEquals(202, undrained.statusCode(), undrained.body());

    // A restart of the node the hostile requests went to: every account holds exactly the
    // acknowledged deposits (100 + one per round + acct-0's 5), nothing of the hostile ones.
    nodes[1].process.destroy();
    assertTrue(nodes[1].process.waitFor(60, TimeUnit.SECONDS), "node2 did not stop on SIGTERM");
    assertEquals(0, nodes[1].process.exitValue(), "SIGTERM is a stop that was asked for");
    nodes[1] = jvms.launch(1, jar, List.of(jvms.address(0)), opsOptions(1));
    awaitReady(nodes);
    for (int a = 0; a < ACCOUNTS; a++) {
      HttpResponse<String> balance = post(jvms.http(1), "account/acct-" + a, "read-" + a,
          "{\"op\":\"balance\"}");
      assertStatus(200, balance);
      long expected = 100 + acknowledged.getOrDefault("acct-" + a, 0L) + (a == 0 ? 5 : 0);
      assertEquals(expected, json.readTree(balance.body()).at("/result/balance").asLong(),
          "acct-" + a + ": " + balance.body());
    }
    HttpResponse<String> never = post(jvms.http(1), "transfer/t-long", "read-t",
        "{\"op\":\"status\"}");
    assertTrue(never.statusCode() == 200 || never.statusCode() == 409, never.body());
    assertTrue(!never.body().contains("aaaaaaaaaa"), "the refused order was kept: "
        + never.body().substring(0, Math.min(300, never.body().length())));
  }

  /** Waits, with a deadline, until {@code count} deposits of the open load are acknowledged. */
  private static void awaitAcknowledged(java.util.Map<String, Long> acknowledged, long count)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (acknowledged.values().stream().mapToLong(Long::longValue).sum() < count) {
      if (System.nanoTime() > deadline) {
        fail("only " + acknowledged + " deposits acknowledged of " + count + " within 60 s");
      }
      Thread.sleep(50);
    }
  }

  private HttpRequest.Builder request(URI entry, String path, String key, String body) {
    return HttpRequest.newBuilder(entry.resolve("/entities/" + path))
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", key)
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  private HttpResponse<String> post(URI entry, String path, String key, String body)
      throws IOException, InterruptedException {
    return http.send(request(entry, path, key, body).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** {@link #post}, repeated with the same key while the answer is a 503, for up to 60 s. */
  private HttpResponse<String> postUntilAnswered(URI entry, String path, String key, String body)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    HttpResponse<String> response = post(entry, path, key, body);
    while (response.statusCode() == 503 && System.nanoTime() < deadline) {
      Thread.sleep(100);
      response = post(entry, path, key, body);
    }
    return response;
  }

  private HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return http.send(request.timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void assertStatus(int status, HttpResponse<String> response) {
    assertEquals(status, response.statusCode(), response.uri() + ": " + response.body());
  }

  /** The status, a JSON body with an "error" (that error, if given); 200: a JSON reply. */
  private void assertError(int status, String error, HttpResponse<String> response)
      throws IOException {
    assertStatus(status, response);
    assertTrue(response.headers().firstValue("Content-Type").orElse("").contains("json"),
        response.headers().map().toString());
    JsonNode body = json.readTree(response.body());
    if (status == 200) {
      return;
    }
    assertTrue(body.hasNonNull("error") && body.hasNonNull("message"), response.body());
    if (error != null) {
      assertEquals(error, body.get("error").asText(), response.body());
    }
  }

  private void awaitReady(NodeProcess[] nodes) throws InterruptedException {
    for (NodeProcess node : nodes) {
      if (!node.await(n -> n.members() == 3 && n.reported("HTTP "), NODE_START)) {
        fail(node.name + " did not see 3 members Up with its entry point listening\n"
            + jvms.logs());
      }
    }
  }

  private List<String> opsOptions(int index) {
    return List.of("-Dbaton.ops.enabled=on", "-Dbaton.ops.port=" + opsPorts.get(index),
        "-Dbaton.ops.auth.token-file=" + root.resolve("ops.tokens"));
  }

}
