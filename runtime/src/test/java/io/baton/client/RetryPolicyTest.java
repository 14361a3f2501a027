package io.baton.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.client.RetryPolicy.Step;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The retry decisions as pure functions: elapsed time and randomness are arguments. */
@Timeout(10)
class RetryPolicyTest {

  private static final RetryPolicy POLICY = RetryPolicy.defaults()
      .withDeadline(Duration.ofSeconds(10))
      .withAttemptTimeout(Duration.ofSeconds(1))
      .withMinAttemptTimeout(Duration.ofMillis(50))
      .withBackoff(Duration.ofMillis(100), Duration.ofMillis(1000), 2.0)
      .withJitter(0.5);

  /** Backoff doubles per failure up to the cap; jitter only shortens it, by at most its share. */
  @Test
  void backoffGrowsExponentiallyUpToTheCapAndJitterOnlyShortensIt() {
    assertEquals(Duration.ofMillis(100), POLICY.backoff(1, 0.0));
    assertEquals(Duration.ofMillis(200), POLICY.backoff(2, 0.0));
    assertEquals(Duration.ofMillis(800), POLICY.backoff(4, 0.0));
    assertEquals(Duration.ofMillis(1000), POLICY.backoff(5, 0.0));
    assertEquals(Duration.ofMillis(1000), POLICY.backoff(60, 0.0), "no overflow far out");
    assertEquals(Duration.ofMillis(150), POLICY.backoff(2, 0.5));
    Duration mostJitter = POLICY.backoff(2, Math.nextDown(1.0));
    assertTrue(mostJitter.compareTo(Duration.ofMillis(100)) >= 0, mostJitter.toString());
  }

  /** Each retry goes to the next route, round robin; the attempt number goes up by one. */
  @Test
  void retriesMoveToTheNextRoute() {
    Step.Attempt second = assertInstanceOf(Step.Attempt.class,
        POLICY.next(1, 0, 3, Duration.ofMillis(1000), 0.0));
    assertEquals(new Step.Attempt(2, Duration.ofMillis(100), Duration.ofSeconds(1), 1), second);
    assertEquals(0, ((Step.Attempt) POLICY.next(3, 2, 3, Duration.ZERO, 0.0)).route());
    assertEquals(2, ((Step.Attempt) POLICY.withSwitchRoute(false)
        .next(3, 2, 3, Duration.ZERO, 0.0)).route());
  }

  /** Near the deadline the attempt is shortened to what is left; below the minimum, no attempt. */
  @Test
  void theDeadlineShortensTheLastAttemptAndThenEndsTheRetries() {
    Step.Attempt last = assertInstanceOf(Step.Attempt.class,
        POLICY.next(1, 0, 1, Duration.ofMillis(9_800), 0.0));
    assertEquals(Duration.ofMillis(100), last.timeout(), "10 s - 9.8 s - 100 ms backoff");
    assertInstanceOf(Step.Attempt.class, POLICY.next(1, 0, 1, Duration.ofMillis(9_850), 0.0));
    Step past = POLICY.next(1, 0, 1, Duration.ofMillis(9_851), 0.0);
    assertTrue(((Step.GiveUp) past).reason().contains("deadline"), past.toString());
    assertEquals(Duration.ofSeconds(1), POLICY.first(0).timeout());
    assertEquals(Duration.ofMillis(300),
        POLICY.withDeadline(Duration.ofMillis(300)).first(0).timeout());
  }

  /** maxAttempts N: attempt N-1's failure is retried, attempt N's is not. */
  @Test
  void theAttemptCountEndsTheRetriesAtExactlyMaxAttempts() {
    RetryPolicy three = POLICY.withMaxAttempts(3);
    assertInstanceOf(Step.Attempt.class, three.next(2, 0, 1, Duration.ZERO, 0.0));
    assertInstanceOf(Step.GiveUp.class, three.next(3, 0, 1, Duration.ZERO, 0.0));
    assertInstanceOf(Step.GiveUp.class, POLICY.withMaxAttempts(1).next(1, 0, 1,
        Duration.ZERO, 0.0));
  }

  /** Invalid settings fail when built, naming the setting and the value. */
  @Test
  void invalidSettingsAreRefusedWithTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> POLICY.withJitter(1.5));
    assertTrue(e.getMessage().contains("jitter") && e.getMessage().contains("1.5"));
    assertThrows(IllegalArgumentException.class, () -> POLICY.withDeadline(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> POLICY.withMaxAttempts(0));
    assertThrows(IllegalArgumentException.class,
        () -> POLICY.withBackoff(Duration.ofMillis(1), Duration.ofMillis(1), 0.5));
  }
}
