package io.baton.load;

import org.HdrHistogram.Histogram;

/**
 * Latency percentiles of a set of requests, in milliseconds, from intended start to outcome
 * (given-up requests included, at their give-up time). All zero when {@code count} is 0.
 *
 * @param count how many requests
 * @param p50 median
 * @param p90 90th percentile
 * @param p99 99th percentile
 * @param p999 99.9th percentile
 * @param max the largest
 */
public record LatencyPercentiles(long count, double p50, double p90, double p99, double p999,
    double max) {

  /** Reads the percentiles of a histogram of microseconds. */
  static LatencyPercentiles of(Histogram micros) {
    if (micros.getTotalCount() == 0) {
      return new LatencyPercentiles(0, 0, 0, 0, 0, 0);
    }
    return new LatencyPercentiles(micros.getTotalCount(),
        ms(micros.getValueAtPercentile(50)), ms(micros.getValueAtPercentile(90)),
        ms(micros.getValueAtPercentile(99)), ms(micros.getValueAtPercentile(99.9)),
        ms(micros.getMaxValue()));
  }

  private static double ms(long micros) {
    return Math.round(micros / 100.0) / 10.0;
  }

  /** {@code p50 12.3 ms, p90 .., p99 .., p99.9 .., max ..}. */
  public String format() {
    return String.format(java.util.Locale.ROOT,
        "p50 %s, p90 %s, p99 %s, p99.9 %s, max %s (%d requests)",
        LoadSummary.ms(p50), LoadSummary.ms(p90), LoadSummary.ms(p99), LoadSummary.ms(p999),
        LoadSummary.ms(max), count);
  }
}
