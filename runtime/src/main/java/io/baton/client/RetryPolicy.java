package io.baton.client;

import java.time.Duration;
import java.util.Objects;

/**
 * When {@link BatonClient} tries again, and for how long each attempt waits: exponential backoff
 * with jitter, inside one overall deadline. An immutable value with documented defaults; {@link
 * #next} is the whole decision, a pure function tests call directly.
 *
 * <p>Attempt {@code n} (from 1) waits for a reply at most {@code attemptTimeout}, and never past
 * the overall deadline. After a failed attempt {@code n} the client waits
 * {@code min(maxBackoff, initialBackoff * multiplier^(n-1))}, reduced by up to {@code jitter} of
 * itself at random (so that clients that failed together do not retry together), and tries again
 * if the deadline leaves room for a useful attempt ({@code minAttemptTimeout}) and fewer than
 * {@code maxAttempts} were made. With {@code switchRoute}, each retry goes to the transport's next
 * route (another node), so a retry does not wait on the node that just failed.
 *
 * @param deadline the overall time for all attempts; default 10 s
 * @param attemptTimeout how long one attempt waits for a reply; default 1 s: a request lost with
 *     a node that died, or dropped by a shard in handoff, is only found out by this timeout, so it
 *     bounds how soon the request is retried on the entity's new owner (an entity on a LAN answers
 *     in milliseconds, one that recovers in tens to hundreds)
 * @param minAttemptTimeout the shortest attempt worth starting; default 50 ms
 * @param initialBackoff the wait after the first failure; default 100 ms
 * @param maxBackoff the longest wait; default 1 s
 * @param multiplier the growth of the wait per failure, at least 1; default 2
 * @param jitter the fraction of the wait taken off at random, 0 to 1; default 0.5
 * @param maxAttempts the most attempts, at least 1; default 100 (the deadline usually ends first)
 * @param switchRoute whether each retry goes to the next route; default true
 */
public record RetryPolicy(
    Duration deadline,
    Duration attemptTimeout,
    Duration minAttemptTimeout,
    Duration initialBackoff,
    Duration maxBackoff,
    double multiplier,
    double jitter,
    int maxAttempts,
    boolean switchRoute) {

  public RetryPolicy {
    requirePositive("deadline", deadline);
    requirePositive("attemptTimeout", attemptTimeout);
    requirePositive("minAttemptTimeout", minAttemptTimeout);
    requireNonNegative("initialBackoff", initialBackoff);
    requireNonNegative("maxBackoff", maxBackoff);
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("multiplier must be at least 1, was " + multiplier);
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new IllegalArgumentException("jitter must be between 0 and 1, was " + jitter);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
  }

  /** The defaults listed in the class comment. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, 0.5, 100, true);
  }

  public RetryPolicy withDeadline(Duration value) {
    return new RetryPolicy(value, attemptTimeout, minAttemptTimeout, initialBackoff, maxBackoff,
        multiplier, jitter, maxAttempts, switchRoute);
  }

  public RetryPolicy withAttemptTimeout(Duration value) {
    return new RetryPolicy(deadline, value, minAttemptTimeout, initialBackoff, maxBackoff,
        multiplier, jitter, maxAttempts, switchRoute);
  }

  public RetryPolicy withMinAttemptTimeout(Duration value) {
    return new RetryPolicy(deadline, attemptTimeout, value, initialBackoff, maxBackoff,
        multiplier, jitter, maxAttempts, switchRoute);
  }

  public RetryPolicy withBackoff(Duration initial, Duration max, double multiplier) {
    return new RetryPolicy(deadline, attemptTimeout, minAttemptTimeout, initial, max,
        multiplier, jitter, maxAttempts, switchRoute);
  }

  public RetryPolicy withJitter(double value) {
    return new RetryPolicy(deadline, attemptTimeout, minAttemptTimeout, initialBackoff,
        maxBackoff, multiplier, value, maxAttempts, switchRoute);
  }

  public RetryPolicy withMaxAttempts(int value) {
    return new RetryPolicy(deadline, attemptTimeout, minAttemptTimeout, initialBackoff,
        maxBackoff, multiplier, jitter, value, switchRoute);
  }

  public RetryPolicy withSwitchRoute(boolean value) {
    return new RetryPolicy(deadline, attemptTimeout, minAttemptTimeout, initialBackoff,
        maxBackoff, multiplier, jitter, maxAttempts, value);
  }

  /** What to do next: start an attempt (after a delay), or stop. */
  public sealed interface Step {
    /** Start attempt {@code attempt} after {@code delay}, on {@code route}, waiting {@code timeout}. */
    record Attempt(int attempt, Duration delay, Duration timeout, int route) implements Step {}

    /** Make no more attempts; {@code reason} says which bound ended them. */
    record GiveUp(String reason) implements Step {}
  }

  /**
   * The first attempt: at once, on route 0 (or {@code firstRoute}), waiting at most the attempt
   * timeout or the deadline, whichever is shorter.
   */
  public Step.Attempt first(int firstRoute) {
    return new Step.Attempt(1, Duration.ZERO, min(attemptTimeout, deadline), firstRoute);
  }

  /**
   * The step after attempt {@code failedAttempt} (from 1) on route {@code failedRoute} failed or
   * timed out, {@code elapsed} after the request started.
   *
   * @param routes how many routes the transport has (at least 1)
   * @param random a uniform number in [0, 1) that picks the jitter
   */
  public Step next(int failedAttempt, int failedRoute, int routes, Duration elapsed,
      double random) {
    Objects.requireNonNull(elapsed, "elapsed");
    if (failedAttempt >= maxAttempts) {
      return new Step.GiveUp("made the maximum of " + maxAttempts + " attempts");
    }
    Duration delay = backoff(failedAttempt, random);
    Duration left = deadline.minus(elapsed).minus(delay);
    if (left.compareTo(minAttemptTimeout) < 0) {
      return new Step.GiveUp("deadline of " + deadline + " reached after " + failedAttempt
          + " attempts");
    }
    int route = switchRoute ? Math.floorMod(failedRoute + 1, Math.max(1, routes)) : failedRoute;
    return new Step.Attempt(failedAttempt + 1, delay, min(attemptTimeout, left), route);
  }

  /** The wait after failed attempt {@code n}: exponential, capped, minus the jitter share. */
  public Duration backoff(int n, double random) {
    if (!(random >= 0.0 && random < 1.0)) {
      throw new IllegalArgumentException("random must be in [0, 1), was " + random);
    }
    double base = initialBackoff.toNanos() * Math.pow(multiplier, Math.max(0, n - 1));
    double capped = Math.min(base, maxBackoff.toNanos());
    return Duration.ofNanos((long) (capped * (1.0 - jitter * random)));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static void requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }

  private static void requireNonNegative(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must be zero or positive, was " + value);
    }
  }
}
