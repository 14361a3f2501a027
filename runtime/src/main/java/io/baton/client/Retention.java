package io.baton.client;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.baton.serialization.ClusterSerializable;
import java.time.Duration;

/**
 * How long an {@link IdempotencyLog} remembers applied requests: at most {@code maxEntries}
 * records, and none older than {@code maxAgeMillis} before the newest record. Both bounds apply;
 * the oldest records go first.
 *
 * <p>The age is measured between records (their {@code appliedAtMillis}), never against the clock
 * at replay time, so the log recovered from the events is exactly the log before the crash.
 *
 * <p>Sizing: {@code maxAge} must exceed the longest time a client keeps retrying one request (its
 * overall deadline) plus clock skew between nodes; {@code maxEntries} must exceed the requests one
 * entity applies in {@code maxAge} at its peak. If either is too small, a late retry is refused
 * ({@link Reply.Rejected#BEYOND_RETENTION}), never applied twice.
 *
 * @param maxEntries at least 1; the default is {@value #DEFAULT_MAX_ENTRIES}
 * @param maxAgeMillis at least 1; the default is 10 minutes
 */
public record Retention(int maxEntries, long maxAgeMillis) implements ClusterSerializable {

  /** The default bound on the number of records. */
  public static final int DEFAULT_MAX_ENTRIES = 1000;

  /** The default bound on the age of records. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(10);

  public Retention {
    if (maxEntries < 1) {
      throw new IllegalArgumentException(
          "maxEntries must be at least 1, was " + maxEntries);
    }
    if (maxAgeMillis < 1) {
      throw new IllegalArgumentException(
          "maxAge must be at least 1 ms, was " + maxAgeMillis + " ms");
    }
  }

  /** {@value #DEFAULT_MAX_ENTRIES} records, 10 minutes. */
  public static Retention defaults() {
    return new Retention(DEFAULT_MAX_ENTRIES, DEFAULT_MAX_AGE.toMillis());
  }

  /** At most {@code maxEntries} records, none older than {@code maxAge} before the newest. */
  public static Retention of(int maxEntries, Duration maxAge) {
    return new Retention(maxEntries, maxAge.toMillis());
  }

  /** A copy with another count bound. */
  public Retention withMaxEntries(int maxEntries) {
    return new Retention(maxEntries, maxAgeMillis);
  }

  /** A copy with another age bound. */
  public Retention withMaxAge(Duration maxAge) {
    return new Retention(maxEntries, maxAge.toMillis());
  }

  /** The age bound. */
  @JsonIgnore
  public Duration maxAge() {
    return Duration.ofMillis(maxAgeMillis);
  }
}
