package io.baton.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The attempt policy's decisions, a pure function of the attempt's result and the times. */
@Timeout(10)
class AttemptPolicyTest {

  private static final AttemptPolicy POLICY = AttemptPolicy.defaults();
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  /** 200 applied / already-applied, 409 and other 4xx are final; 5xx and non-replies are not. */
  @Test
  void answersAreClassifiedAsTheEntryPointDocumentsThem() {
    assertEquals(Optional.of(Outcome.OK), AttemptPolicy.classify(answered(200, "applied")));
    assertEquals(Optional.of(Outcome.ALREADY_APPLIED),
        AttemptPolicy.classify(answered(200, "already-applied")));
    assertEquals(Optional.of(Outcome.REJECTED), AttemptPolicy.classify(answered(409, "rejected")));
    assertEquals(Optional.of(Outcome.CLIENT_ERROR), AttemptPolicy.classify(answered(400, "")));
    assertEquals(Optional.of(Outcome.CLIENT_ERROR), AttemptPolicy.classify(answered(404, "")));
    assertEquals(Optional.empty(), AttemptPolicy.classify(answered(503, "")));
    assertEquals(Optional.empty(), AttemptPolicy.classify(answered(500, "")));
    assertEquals(Optional.empty(), AttemptPolicy.classify(answered(200, "")));
  }

  /** A timeout is retried at once: the attempt already took longer than the retry spacing. */
  @Test
  void aTimeoutIsRetriedAtOnce() {
    assertEquals(new AttemptPolicy.Decision.Retry(0), POLICY.afterAttempt(
        new AttemptResult.TimedOut(), 1500 * MS, 1500 * MS));
  }

  /** A fast failure waits out the rest of the retry spacing before the next attempt. */
  @Test
  void aFastFailureWaitsTheRestOfTheRetrySpacing() {
    assertEquals(new AttemptPolicy.Decision.Retry(70 * MS), POLICY.afterAttempt(
        new AttemptResult.ConnectionFailed("refused"), 30 * MS, 30 * MS));
    assertEquals(new AttemptPolicy.Decision.Retry(90 * MS), POLICY.afterAttempt(
        answered(503, ""), 10 * MS, 10 * MS));
  }

  /** A retry that could not get the minimum attempt before the give-up time is not made. */
  @Test
  void theRequestFailsWhenNoUsefulAttemptFitsBeforeTheGiveUpTime() {
    // 10 s give-up, 100 ms spacing, 50 ms minimum: at 9.85 s after a 0 ms attempt, no retry fits.
    assertEquals(new AttemptPolicy.Decision.Done(Outcome.FAILED), POLICY.afterAttempt(
        answered(503, ""), 9_851 * MS, 0));
    assertEquals(new AttemptPolicy.Decision.Retry(100 * MS), POLICY.afterAttempt(
        answered(503, ""), 9_849 * MS, 0));
    assertEquals(new AttemptPolicy.Decision.Done(Outcome.OK), POLICY.afterAttempt(
        answered(200, "applied"), 60_000 * MS, 0));
  }

  /** An attempt never waits past the give-up time, and none starts with less than the minimum. */
  @Test
  void theAttemptBudgetIsCutAtTheGiveUpTime() {
    assertEquals(1500 * MS, POLICY.attemptBudgetNanos(0));
    assertEquals(700 * MS, POLICY.attemptBudgetNanos(9_300 * MS));
    assertEquals(0, POLICY.attemptBudgetNanos(9_960 * MS));
  }

  /** A policy that could never run an attempt its full timeout is refused, naming both values. */
  @Test
  void aGiveUpShorterThanTheAttemptTimeoutIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> POLICY.withGiveUp(Duration.ofSeconds(1)));
    assertTrue(e.getMessage().contains("PT1S") && e.getMessage().contains("PT1.5S"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> POLICY.withAttemptTimeout(Duration.ZERO));
  }

  /** Request i of a stream is due at i / rate, whatever came before. */
  @Test
  void requestIOfAStreamIsDueAtIOverTheRate() {
    ArrivalStream stream = ArrivalStream.of("s", 70, i -> LoadRequest.of("t", "x", "{}", "k" + i));
    assertEquals(0, stream.dueNanos(0));
    assertEquals(1_000_000_000L, stream.dueNanos(70));
    assertEquals(14_285_714L, stream.dueNanos(1));
    assertThrows(IllegalArgumentException.class, () -> ArrivalStream.of("s", 0, i -> null));
  }

  private static AttemptResult.Answered answered(int status, String reply) {
    return new AttemptResult.Answered(status, reply);
  }
}
