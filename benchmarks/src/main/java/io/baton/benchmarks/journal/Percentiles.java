package io.baton.benchmarks.journal;

import java.util.Arrays;

/**
 * Exact percentiles of a set of samples: the samples are sorted and the nearest-rank percentile
 * is read off, with no histogram and no interpolation. The p-th percentile of n sorted samples is
 * the sample at rank {@code ceil(p / 100 * n)} (1-based): p50 of 4 samples is the 2nd, p99 of
 * 10,000 samples is the 9,900th.
 */
final class Percentiles {

  private final long[] sorted;

  private Percentiles(long[] sorted) {
    this.sorted = sorted;
  }

  /** Sorts a copy of {@code samples}; at least one sample. */
  static Percentiles of(long[] samples) {
    if (samples.length == 0) {
      throw new IllegalArgumentException("no samples: a scenario recorded nothing");
    }
    long[] copy = samples.clone();
    Arrays.sort(copy);
    return new Percentiles(copy);
  }

  int count() {
    return sorted.length;
  }

  /** The nearest-rank {@code p}-th percentile, {@code 0 < p <= 100}. */
  long at(double p) {
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100], was " + p);
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(rank, 1) - 1];
  }

  long max() {
    return sorted[sorted.length - 1];
  }

  double mean() {
    double sum = 0;
    for (long sample : sorted) {
      sum += sample;
    }
    return sum / sorted.length;
  }
}
