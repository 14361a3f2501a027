package io.baton.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Shard rates from sampled counts, on manual time: converge, decay, no burst on return. */
@Timeout(10)
class ShardRatesTest {

  private static final long SECOND = 1_000_000_000L;

  /** A steady traffic source: cumulative counts of shard "s1" of type "t" at a fixed rate. */
  private static Map<String, Map<String, Long>> counts(String shard, long count) {
    Map<String, Map<String, Long>> counts = new HashMap<>();
    counts.put("t", Map.of(shard, count));
    return counts;
  }

  private static double rate(Map<String, Map<String, Double>> rates, String shard) {
    return rates.getOrDefault("t", Map.of()).getOrDefault(shard, 0.0);
  }

  /** Property: under steady traffic the rate converges to messages per second. */
  @Test
  void aSteadyRateConvergesToMessagesPerSecond() {
    ShardRates rates = ShardRates.create(Duration.ofSeconds(2), 0.01);
    long now = 1_000 * SECOND; // any origin: only differences matter
    rates.sample(now, counts("s1", 0));
    double previous = 0;
    for (int second = 1; second <= 20; second++) {
      double r = rate(rates.sample(now + second * SECOND, counts("s1", 50L * second)), "s1");
      assertTrue(r > previous && r <= 50.0001, "rate " + r + " after " + second + " s");
      previous = r;
    }
    assertEquals(50, previous, 0.1);
  }

  /** After one half-life of steady traffic from nothing, the rate is half the traffic. */
  @Test
  void afterOneHalfLifeTheRateIsHalfWayThere() {
    ShardRates rates = ShardRates.create(Duration.ofSeconds(4), 0.01);
    rates.sample(0, counts("s1", 0));
    assertEquals(50, rate(rates.sample(4 * SECOND, counts("s1", 400)), "s1"), 1e-9);
    // Sampling more often gives the same curve.
    ShardRates often = ShardRates.create(Duration.ofSeconds(4), 0.01);
    often.sample(0, counts("s1", 0));
    double r = 0;
    for (int i = 1; i <= 40; i++) {
      r = rate(often.sample(i * SECOND / 10, counts("s1", 10L * i)), "s1");
    }
    assertEquals(50, r, 1e-6);
  }

  /** Property: a shard that stopped receiving (moved away) decays and then is left out. */
  @Test
  void aShardWithNoMoreTrafficDecaysAndIsThenLeftOut() {
    ShardRates rates = ShardRates.create(Duration.ofSeconds(1), 0.5);
    rates.sample(0, counts("s1", 0));
    double r = 0;
    for (int s = 1; s <= 10; s++) {
      r = rate(rates.sample(s * SECOND, counts("s1", 100L * s)), "s1");
    }
    assertEquals(100, r, 0.2);
    // The count stays at 1000 (or the shard vanishes from the counts): halves every second.
    assertEquals(r / 2, rate(rates.sample(11 * SECOND, counts("s1", 1000)), "s1"), 1e-9);
    assertEquals(r / 4, rate(rates.sample(12 * SECOND, Map.of()), "s1"), 1e-9);
    Map<String, Map<String, Double>> later = rates.sample(20 * SECOND, Map.of());
    assertFalse(later.getOrDefault("t", Map.of()).containsKey("s1"), later.toString());
  }

  /** A shard that comes back after a pause is not mistaken for a burst of its whole history. */
  @Test
  void aShardThatComesBackStartsFromItsLastCount() {
    ShardRates rates = ShardRates.create(Duration.ofSeconds(1), 0.5);
    rates.sample(0, counts("s1", 0));
    rates.sample(SECOND, counts("s1", 1_000_000));
    rates.sample(30 * SECOND, Map.of()); // gone quiet, left out
    double r = rate(rates.sample(31 * SECOND, counts("s1", 1_000_010)), "s1");
    assertEquals(5, r, 0.01); // 10 msg/s for one half-life: half of it
  }

  @Test
  void aSampleWithoutElapsedTimeChangesNothingAndBadSettingsAreRefused() {
    ShardRates rates = ShardRates.create(Duration.ofSeconds(1), 0);
    rates.sample(0, counts("s1", 0));
    var first = rates.sample(SECOND, counts("s1", 10));
    assertEquals(first, rates.sample(SECOND, counts("s1", 99)));
    assertThrows(IllegalArgumentException.class, () -> ShardRates.create(Duration.ZERO, 0));
    assertThrows(IllegalArgumentException.class,
        () -> ShardRates.create(Duration.ofSeconds(1), -1));
  }
}
