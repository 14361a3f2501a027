package io.baton.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client's retry loop on manual time with a scripted transport: what it sends, when, through
 * which route, and what it reports. No actor system, no sleeps.
 */
@Timeout(10)
class BatonClientTest {

  /** A transport whose attempts stay pending until the test completes them. */
  static final class ScriptedTransport implements RequestTransport<String, Long> {
    record Sent(int route, String entityId, Request<String> request, Duration timeout,
        CompletableFuture<Reply<Long>> reply) {}

    final List<Sent> sent = new ArrayList<>();
    final int routes;

    ScriptedTransport(int routes) {
      this.routes = routes;
    }

    @Override
    public int routes() {
      return routes;
    }

    @Override
    public CompletionStage<Reply<Long>> send(int route, String entityId,
        Request<String> request, Duration timeout) {
      CompletableFuture<Reply<Long>> reply = new CompletableFuture<>();
      sent.add(new Sent(route, entityId, request, timeout, reply));
      return reply;
    }
  }

  private static final RetryPolicy POLICY = RetryPolicy.defaults()
      .withDeadline(Duration.ofSeconds(5))
      .withAttemptTimeout(Duration.ofSeconds(1))
      .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1), 2.0)
      .withJitter(0.5);

  private final ManualClientTime time = new ManualClientTime();
  private final ScriptedTransport transport = new ScriptedTransport(2);
  private final BatonClient<String, Long> client =
      BatonClient.create(transport, POLICY, time, () -> 0.0);

  /**
   * A timed-out and a failed attempt are retried after their backoff, on the other route, with
   * the very same request (key, issue time, deadline); the first reply ends the call and every
   * attempt is reported.
   */
  @Test
  void retriesWithTheSameKeyAfterBackoffOnTheNextRouteUntilAReply() {
    CompletableFuture<ClientResult<Long>> result =
        client.send("acct-1", "key-1", "deposit").toCompletableFuture();
    assertEquals(1, transport.sent.size(), "the first attempt goes at once");
    time.advance(Duration.ofSeconds(1));
    assertEquals(1, transport.sent.size(), "no retry before the backoff");
    time.advance(Duration.ofMillis(100));
    assertEquals(2, transport.sent.size(), "retried 100 ms after the first timeout");
    transport.sent.get(1).reply().completeExceptionally(new IllegalStateException("node gone"));
    time.advance(Duration.ofMillis(199));
    assertEquals(2, transport.sent.size(), "second backoff is 200 ms");
    time.advance(Duration.ofMillis(1));
    assertEquals(3, transport.sent.size());
    transport.sent.get(2).reply().complete(new Reply.AlreadyApplied<>("key-1", 42L));

    ClientResult.Answered<Long> answered =
        assertInstanceOf(ClientResult.Answered.class, result.getNow(null));
    assertEquals(new Reply.AlreadyApplied<>("key-1", 42L), answered.reply());
    assertEquals(List.of(0, 1, 0), transport.sent.stream().map(ScriptedTransport.Sent::route)
        .toList());
    Request<String> first = transport.sent.get(0).request();
    assertTrue(transport.sent.stream().allMatch(s -> s.request().equals(first)),
        "every attempt carries the same request");
    assertEquals(first.issuedAtMillis() + 5_000, first.deadlineMillis());
    assertEquals(List.of(Attempt.Outcome.TIMED_OUT, Attempt.Outcome.FAILED,
        Attempt.Outcome.REPLIED), answered.attempts().stream().map(Attempt::outcome).toList());
    assertEquals(List.of(Duration.ZERO, Duration.ofMillis(1100), Duration.ofMillis(1300)),
        answered.attempts().stream().map(Attempt::startedAfter).toList());
  }

  /**
   * Nothing answers: the client stops at its deadline with Unknown, never starts an attempt past
   * it, and no attempt waits beyond it.
   */
  @Test
  void givesUpAtTheDeadlineWithAnUnknownOutcome() {
    CompletableFuture<ClientResult<Long>> result =
        client.send("acct-1", "key-2", "deposit").toCompletableFuture();
    for (int i = 0; i < 100 && !result.isDone(); i++) {
      time.advance(Duration.ofMillis(50));
    }
    ClientResult.Unknown<Long> unknown =
        assertInstanceOf(ClientResult.Unknown.class, result.getNow(null));
    assertTrue(unknown.reason().contains("deadline"), unknown.reason());
    for (Attempt attempt : unknown.attempts()) {
      assertTrue(attempt.startedAfter().plus(attempt.took()).compareTo(Duration.ofSeconds(5))
          <= 0, "attempt " + attempt + " ran past the deadline");
      assertEquals(Attempt.Outcome.TIMED_OUT, attempt.outcome());
    }
    assertEquals(transport.sent.size(), unknown.attempts().size());
    assertTrue(unknown.attempts().size() >= 4, unknown.attempts().toString());
    assertTrue(time.pending().isEmpty() || transport.sent.size() == unknown.attempts().size());
  }

  /** A rejection is an answer: it is final and never retried. */
  @Test
  void aRejectionIsFinalAndNotRetried() {
    CompletableFuture<ClientResult<Long>> result =
        client.send("acct-1", "key-3", "deposit").toCompletableFuture();
    transport.sent.get(0).reply().complete(
        new Reply.Rejected<>("key-3", Reply.Rejected.DEADLINE_PASSED));
    time.advance(Duration.ofSeconds(10));
    assertEquals(1, transport.sent.size());
    ClientResult.Answered<Long> answered =
        assertInstanceOf(ClientResult.Answered.class, result.getNow(null));
    assertFalse(answered.reply().isApplied());
  }

  /** A reply that comes after its attempt timed out is ignored; the retry's reply counts. */
  @Test
  void aLateReplyOfATimedOutAttemptIsIgnored() {
    CompletableFuture<ClientResult<Long>> result =
        client.send("acct-1", "key-4", "deposit").toCompletableFuture();
    time.advance(Duration.ofMillis(1100));
    assertEquals(2, transport.sent.size());
    transport.sent.get(0).reply().complete(new Reply.Applied<>("key-4", 1L));
    assertFalse(result.isDone(), "the late reply of attempt 1 does not settle the call");
    transport.sent.get(1).reply().complete(new Reply.AlreadyApplied<>("key-4", 1L));
    assertEquals(2, result.getNow(null).attempts().size());
  }

  /** The transport's own timeout counts as a timeout, not as another failure. */
  @Test
  void aTransportTimeoutIsReportedAsTimedOut() {
    CompletableFuture<ClientResult<Long>> result =
        client.send("acct-1", "key-5", "deposit").toCompletableFuture();
    transport.sent.get(0).reply().completeExceptionally(new TimeoutException("ask timed out"));
    time.advance(Duration.ofMillis(100));
    transport.sent.get(1).reply().complete(new Reply.Applied<>("key-5", 7L));
    assertEquals(Attempt.Outcome.TIMED_OUT, result.getNow(null).attempts().get(0).outcome());
  }
}
