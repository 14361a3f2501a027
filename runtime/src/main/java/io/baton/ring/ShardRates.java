package io.baton.ring;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Messages per second per shard, from cumulative message counts sampled now and then: an
 * exponentially weighted moving average whose weight halves every {@code half-life}, so a shard's
 * rate follows a change of its traffic within a few half-lives and ignores a one-off burst.
 *
 * <p>Pure arithmetic on the values given: time is the {@code nanos} argument of {@link #sample}
 * (a monotonic clock in production, any number in tests), so tests run on manual time.
 *
 * <h2>The estimate</h2>
 * At each sample, a shard's instant rate is {@code (count - previous count) / elapsed} and its
 * rate moves toward it by the weight {@code 1 - 2^(-elapsed / half-life)}. A shard seen for the
 * first time counts from 0 at the previous sample. A shard whose traffic stopped (it moved to
 * another node) decays toward 0 and is left out of {@link #rates} once below {@code floor}; its
 * count is kept, so that if it comes back its first interval is not mistaken for a burst.
 *
 * <p>Not thread-safe: one owner (the {@link LoadMeter}'s sampler) calls it.
 */
public final class ShardRates {

  private static final class Entry {
    long count;
    double rate;
    long stamp;
  }

  private final double halfLifeNanos;
  private final double floor;
  private final Map<String, Map<String, Entry>> entries = new HashMap<>();
  private long lastNanos;
  private long samples;
  private boolean sampled;

  private ShardRates(Duration halfLife, double floor) {
    if (halfLife.isNegative() || halfLife.isZero()) {
      throw new IllegalArgumentException(LoadMeter.PATH + ".half-life = " + halfLife
          + " must be positive");
    }
    if (!(floor >= 0)) {
      throw new IllegalArgumentException("floor = " + floor + " must be 0 or more (messages/s)");
    }
    this.halfLifeNanos = halfLife.toNanos();
    this.floor = floor;
  }

  /**
   * Rates averaged with this half-life; a shard whose rate falls below {@code floor} messages per
   * second is left out of {@link #rates}.
   */
  public static ShardRates create(Duration halfLife, double floor) {
    return new ShardRates(halfLife, floor);
  }

  /**
   * Takes one sample and returns the rates after it.
   *
   * @param nanos the time of the sample, from a monotonic clock (only differences matter)
   * @param counts the cumulative number of messages delivered so far, per entity type and shard;
   *     a shard missing here received nothing since the previous sample
   */
  public Map<String, Map<String, Double>> sample(long nanos, Map<String, Map<String, Long>> counts) {
    double elapsed = sampled ? nanos - lastNanos : 0;
    if (sampled && elapsed <= 0) {
      return rates(); // no time passed: nothing to learn
    }
    double weight = sampled ? 1 - Math.pow(2, -elapsed / halfLifeNanos) : 0;
    double seconds = elapsed / 1e9;
    long stamp = ++samples;
    counts.forEach((type, shards) -> shards.forEach((shard, count) -> {
      Entry entry = entries.computeIfAbsent(type, t -> new HashMap<>())
          .computeIfAbsent(shard, s -> new Entry());
      entry.stamp = stamp;
      if (sampled) {
        double instant = Math.max(0, count - entry.count) / seconds;
        entry.rate += weight * (instant - entry.rate);
      }
      entry.count = Math.max(entry.count, count);
    }));
    // A shard missing from this sample received nothing: it decays toward 0.
    entries.values().forEach(shards -> shards.values().forEach(entry -> {
      if (entry.stamp != stamp) {
        entry.rate -= weight * entry.rate;
      }
    }));
    lastNanos = nanos;
    sampled = true;
    return rates();
  }

  /** The rates (messages per second) now, per entity type and shard, leaving out those below the floor. */
  public Map<String, Map<String, Double>> rates() {
    Map<String, Map<String, Double>> result = new TreeMap<>();
    entries.forEach((type, shards) -> shards.forEach((shard, entry) -> {
      if (entry.rate >= floor && entry.rate > 0) {
        result.computeIfAbsent(type, t -> new TreeMap<>()).put(shard, entry.rate);
      }
    }));
    result.replaceAll((type, shards) -> Map.copyOf(shards));
    return Map.copyOf(result);
  }
}
