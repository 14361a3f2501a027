package io.baton.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The attempt policy against real HTTP: two stub entry points, one misbehaving. A retry goes to
 * the next target with the same key and headers; a request nobody answers is failed at the
 * give-up time, no attempt starting after it.
 */
@Timeout(30)
class EntityClientTest {

  private static final AttemptPolicy FAST = AttemptPolicy.defaults()
      .withAttemptTimeout(Duration.ofMillis(400)).withGiveUp(Duration.ofSeconds(2));

  private StubEntryPoint a;
  private StubEntryPoint b;
  private final CountDownLatch never = new CountDownLatch(1);
  private final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeEach
  void startStubs() throws Exception {
    a = StubEntryPoint.start();
    b = StubEntryPoint.start();
  }

  @AfterEach
  void stopStubs() throws Exception {
    never.countDown();
    for (AutoCloseable c : closing) {
      c.close();
    }
    a.close();
    b.close();
  }

  /** A timed-out attempt is retried on the next entry point with the same key and headers. */
  @Test
  void aTimedOutAttemptIsRetriedOnTheNextTargetWithTheSameKey() throws Exception {
    a.behave((request, stub) -> {
      never.await();
      return new StubEntryPoint.Response(503, "late");
    });
    Answer answer = client(FAST, a.uri(), b.uri()).send(request("k-1"), System.nanoTime(),
        1000, 3000, 0).get(20, TimeUnit.SECONDS);

    assertEquals(Outcome.OK, answer.outcome(), answer.toString());
    assertEquals(List.of("timeout", "200 applied"), results(answer));
    assertEquals(List.of(a.uri().toString(), b.uri().toString()), targets(answer));
    assertSameRequest(a.received().get(0), b.received().get(0), "k-1");
  }

  /** A 503 (the entity did not answer in time) is retried on the next entry point, same key. */
  @Test
  void a503IsRetriedOnTheNextTargetWithTheSameKey() throws Exception {
    a.behave((request, stub) -> new StubEntryPoint.Response(503, "entity did not answer"));
    Answer answer = client(FAST, a.uri(), b.uri()).send(request("k-2"), System.nanoTime(),
        1000, 3000, 0).get(20, TimeUnit.SECONDS);

    assertEquals(Outcome.OK, answer.outcome(), answer.toString());
    assertEquals(List.of("503", "200 applied"), results(answer));
    assertSameRequest(a.received().get(0), b.received().get(0), "k-2");
  }

  /** A refused connection (a dead node's port) is retried on the next entry point. */
  @Test
  void aRefusedConnectionIsRetriedOnTheNextTarget() throws Exception {
    StubEntryPoint dead = StubEntryPoint.start();
    URI deadUri = dead.uri();
    dead.close();
    Answer answer = client(FAST, deadUri, b.uri()).send(request("k-3"), System.nanoTime(),
        1000, 3000, 0).get(20, TimeUnit.SECONDS);

    assertEquals(Outcome.OK, answer.outcome(), answer.toString());
    assertTrue(results(answer).get(0).startsWith("connection-failed"), answer.toString());
    assertEquals("200 applied", results(answer).get(1));
  }

  /**
   * A request no entry point answers finally is FAILED at the give-up time: attempts alternate
   * between the targets, all with the same key, and none starts after the give-up time.
   */
  @Test
  void aRequestIsFailedAfterTheGiveUpTime() throws Exception {
    a.behave((request, stub) -> {
      never.await();
      return new StubEntryPoint.Response(503, "late");
    });
    b.behave((request, stub) -> new StubEntryPoint.Response(503, "entity did not answer"));
    long intended = System.nanoTime();
    Answer answer = client(FAST, a.uri(), b.uri()).send(request("k-4"), intended, 1000, 3000, 0)
        .get(20, TimeUnit.SECONDS);

    assertEquals(Outcome.FAILED, answer.outcome(), answer.toString());
    assertTrue(answer.attempts().size() >= 3, answer.toString());
    for (Attempt attempt : answer.attempts()) {
      assertEquals(attempt.number() % 2 == 1 ? a.uri().toString() : b.uri().toString(),
          attempt.target(), "round robin from the first target: " + answer);
      assertTrue(attempt.atMillis() < FAST.giveUp().toMillis(),
          "no attempt starts after the give-up time: " + answer);
    }
    assertTrue(answer.endNanos() - intended >= FAST.giveUp().minus(FAST.retrySpacing())
        .minus(FAST.minAttempt()).toNanos(), "given up only near the give-up time: " + answer);
    List<StubEntryPoint.Received> all = new ArrayList<>(a.received());
    all.addAll(b.received());
    assertEquals(answer.attempts().size(), all.size());
    assertTrue(all.stream().allMatch(r -> r.key().equals("k-4")), all.toString());
    assertEquals(503, answer.status());
  }

  /** 409 and 404 are final: one attempt, no retry. */
  @Test
  void rejectionsAndClientErrorsAreFinal() throws Exception {
    a.behave((request, stub) -> request.key().equals("k-5")
        ? new StubEntryPoint.Response(409, "{\"reply\":\"rejected\",\"requestId\":\"k-5\","
            + "\"reason\":\"deadline-passed\"}")
        : new StubEntryPoint.Response(404, "no entity type 'nope'"));
    EntityClient client = client(FAST, a.uri(), b.uri());
    Answer rejected = client.send(request("k-5"), System.nanoTime(), 1000, 3000, 0)
        .get(20, TimeUnit.SECONDS);
    Answer unknown = client.send(request("k-6"), System.nanoTime(), 1000, 3000, 0)
        .get(20, TimeUnit.SECONDS);

    assertEquals(Outcome.REJECTED, rejected.outcome());
    assertEquals(List.of("409 rejected"), results(rejected));
    assertTrue(rejected.body().contains("deadline-passed"), rejected.body());
    assertEquals(Outcome.CLIENT_ERROR, unknown.outcome());
    assertEquals(List.of("404"), results(unknown));
    assertEquals(0, b.received().size(), "nothing retried on the other target");
  }

  private EntityClient client(AttemptPolicy policy, URI... targets) {
    EntityClient client = EntityClient.create(List.of(targets), policy, LoadClock.system());
    closing.add(client);
    return client;
  }

  private static LoadRequest request(String key) {
    return LoadRequest.of("account", "acct-1", "{\"op\":\"deposit\",\"amount\":5}", key);
  }

  private static List<String> results(Answer answer) {
    return answer.attempts().stream().map(Attempt::result).toList();
  }

  private static List<String> targets(Answer answer) {
    return answer.attempts().stream().map(Attempt::target).toList();
  }

  private static void assertSameRequest(StubEntryPoint.Received first,
      StubEntryPoint.Received second, String key) {
    assertEquals(key, first.key());
    assertEquals(key, second.key());
    assertEquals("1000", first.issuedAt());
    assertEquals("1000", second.issuedAt());
    assertEquals("3000", first.deadline());
    assertEquals("3000", second.deadline());
    assertEquals("/entities/account/acct-1", second.path());
    assertEquals(first.body(), second.body());
  }
}
