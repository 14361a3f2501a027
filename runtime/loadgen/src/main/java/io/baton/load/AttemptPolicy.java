package io.baton.load;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How an independent client retries, as the one in issue 10: each attempt waits at most {@code
 * attemptTimeout} for its answer; a timeout, a 5xx (503: the entity did not answer in time) or a
 * lost connection is retried with the same idempotency key on the next entry point, no sooner
 * than {@code retrySpacing} after the previous attempt was sent; {@code giveUp} after the
 * request's <em>intended</em> start the request is {@link Outcome#FAILED}. No attempt starts with
 * less than {@code minAttempt} left before the give-up time, and none waits past it.
 *
 * <p>Defaults ({@link #defaults()}): attempt timeout 1.5 s, give up after 10 s, retry spacing
 * 100 ms, minimum attempt 50 ms. The decision is the pure function {@link #afterAttempt}; the
 * classification of an answer is {@link #classify}.
 *
 * @param attemptTimeout how long one attempt waits for its answer
 * @param giveUp how long after the intended start the request is given up
 * @param retrySpacing least time between the starts of two attempts (so that entry points that
 *     refuse at once are not hammered)
 * @param minAttempt an attempt is not started with less than this left before the give-up time
 */
public record AttemptPolicy(Duration attemptTimeout, Duration giveUp, Duration retrySpacing,
    Duration minAttempt) {

  /** Validates: all positive (spacing may be zero), giveUp at least attemptTimeout. */
  public AttemptPolicy {
    requirePositive("attemptTimeout", attemptTimeout);
    requirePositive("giveUp", giveUp);
    requirePositive("minAttempt", minAttempt);
    Objects.requireNonNull(retrySpacing, "retrySpacing");
    if (retrySpacing.isNegative()) {
      throw new IllegalArgumentException("retrySpacing is " + retrySpacing + ": use zero or more");
    }
    if (giveUp.compareTo(attemptTimeout) < 0) {
      throw new IllegalArgumentException("giveUp (" + giveUp + ") is shorter than attemptTimeout"
          + " (" + attemptTimeout + "): no attempt could wait its full timeout; give up later"
          + " or shorten the attempt timeout");
    }
    if (minAttempt.compareTo(attemptTimeout) > 0) {
      throw new IllegalArgumentException("minAttempt (" + minAttempt + ") is longer than"
          + " attemptTimeout (" + attemptTimeout + ")");
    }
  }

  /** 1.5 s attempts, give up after 10 s, 100 ms between attempts, no attempt under 50 ms. */
  public static AttemptPolicy defaults() {
    return new AttemptPolicy(Duration.ofMillis(1500), Duration.ofSeconds(10),
        Duration.ofMillis(100), Duration.ofMillis(50));
  }

  /**
   * The defaults with {@code attemptTimeout} and {@code giveUp} (and the minimum attempt cut to
   * the attempt timeout if that is shorter).
   */
  public static AttemptPolicy of(Duration attemptTimeout, Duration giveUp) {
    AttemptPolicy defaults = defaults();
    Duration min = attemptTimeout != null && attemptTimeout.compareTo(defaults.minAttempt()) < 0
        ? attemptTimeout : defaults.minAttempt();
    return new AttemptPolicy(attemptTimeout, giveUp, defaults.retrySpacing(), min);
  }

  /** A copy with {@code attemptTimeout}. */
  public AttemptPolicy withAttemptTimeout(Duration value) {
    return new AttemptPolicy(value, giveUp, retrySpacing, minAttempt);
  }

  /** A copy with {@code giveUp}. */
  public AttemptPolicy withGiveUp(Duration value) {
    return new AttemptPolicy(attemptTimeout, value, retrySpacing, minAttempt);
  }

  /** A copy with {@code retrySpacing}. */
  public AttemptPolicy withRetrySpacing(Duration value) {
    return new AttemptPolicy(attemptTimeout, giveUp, value, minAttempt);
  }

  /** A copy with {@code minAttempt}. */
  public AttemptPolicy withMinAttempt(Duration value) {
    return new AttemptPolicy(attemptTimeout, giveUp, retrySpacing, value);
  }

  /** What to do after an attempt. */
  public sealed interface Decision {
    /** The request is over with {@code outcome}. */
    record Done(Outcome outcome) implements Decision {}

    /** Send the next attempt, to the next entry point, after {@code delayNanos}. */
    record Retry(long delayNanos) implements Decision {}
  }

  /**
   * The final outcome an answer means, or empty if it leaves the outcome unknown (retry): 200
   * with a Baton reply is {@link Outcome#OK} or {@link Outcome#ALREADY_APPLIED}, 409 {@link
   * Outcome#REJECTED}, any other 4xx {@link Outcome#CLIENT_ERROR}; a 5xx, or a 200 that is not a
   * Baton reply, is unknown.
   */
  public static Optional<Outcome> classify(AttemptResult.Answered answer) {
    int status = answer.status();
    if (status == 200) {
      return switch (answer.reply()) {
        case "applied" -> Optional.of(Outcome.OK);
        case "already-applied" -> Optional.of(Outcome.ALREADY_APPLIED);
        default -> Optional.empty();
      };
    }
    if (status == 409) {
      return Optional.of(Outcome.REJECTED);
    }
    if (status >= 400 && status < 500) {
      return Optional.of(Outcome.CLIENT_ERROR);
    }
    return Optional.empty();
  }

  /**
   * Decides after an attempt: a final answer ends the request; otherwise retry after the
   * remaining retry spacing, unless that retry could not get {@code minAttempt} before the
   * give-up time, in which case the request is {@link Outcome#FAILED}.
   *
   * @param result how the attempt ended
   * @param sinceIntendedNanos time from the request's intended start to now
   * @param sinceAttemptStartNanos time from this attempt's start to now
   */
  public Decision afterAttempt(AttemptResult result, long sinceIntendedNanos,
      long sinceAttemptStartNanos) {
    if (result instanceof AttemptResult.Answered answered) {
      Optional<Outcome> outcome = classify(answered);
      if (outcome.isPresent()) {
        return new Decision.Done(outcome.get());
      }
    }
    long delay = Math.max(0, retrySpacing.toNanos() - sinceAttemptStartNanos);
    if (sinceIntendedNanos + delay + minAttempt.toNanos() > giveUp.toNanos()) {
      return new Decision.Done(Outcome.FAILED);
    }
    return new Decision.Retry(delay);
  }

  /**
   * How long an attempt started {@code sinceIntendedNanos} after the intended start may wait:
   * the attempt timeout, cut at the give-up time; zero if not even {@code minAttempt} is left (do
   * not send; the request is {@link Outcome#FAILED}).
   */
  public long attemptBudgetNanos(long sinceIntendedNanos) {
    long left = giveUp.toNanos() - sinceIntendedNanos;
    if (left < minAttempt.toNanos()) {
      return 0;
    }
    return Math.min(attemptTimeout.toNanos(), left);
  }

  private static void requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(name + " is " + value + ": it must be positive");
    }
  }
}
