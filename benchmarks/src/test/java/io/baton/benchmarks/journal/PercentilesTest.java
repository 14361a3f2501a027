package io.baton.benchmarks.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Percentiles are exact nearest-rank values of the sorted samples, never interpolated. */
@Timeout(10)
class PercentilesTest {

  @Test
  void theNearestRankOfTheSortedSamplesIsReturned() {
    long[] samples = new long[10_000];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = samples.length - i; // 10000 .. 1, unsorted
    }
    Percentiles p = Percentiles.of(samples);
    assertEquals(5_000, p.at(50));
    assertEquals(9_900, p.at(99));
    assertEquals(10_000, p.at(100));
    assertEquals(10_000, p.max());
    assertEquals(1, p.at(0.001));
  }

  @Test
  void smallSetsRoundTheRankUp() {
    Percentiles p = Percentiles.of(new long[] {40, 10, 30, 20});
    assertEquals(20, p.at(50));
    assertEquals(40, p.at(99));
    assertEquals(25.0, p.mean());
  }

  @Test
  void theSamplesPassedInAreNotReordered() {
    long[] samples = {3, 1, 2};
    Percentiles.of(samples);
    assertEquals(3, samples[0]);
  }

  @Test
  void noSamplesIsAnError() {
    assertThrows(IllegalArgumentException.class, () -> Percentiles.of(new long[0]));
  }
}
