package io.baton.benchmarks.cluster;

import java.util.List;

/** Median and maximum of a few values (the runs of a target), by nearest rank. */
final class Stats {

  private Stats() {}

  /**
   * The nearest-rank median: the value at rank {@code ceil(n / 2)} of the sorted values, i.e. the
   * lower middle one for an even count (so it is always a measured value). NaN for no values.
   */
  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get((sorted.size() + 1) / 2 - 1);
  }

  /** The largest value; NaN for no values. */
  static double max(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }
}
