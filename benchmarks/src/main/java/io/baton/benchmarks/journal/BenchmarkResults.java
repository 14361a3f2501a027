package io.baton.benchmarks.journal;

import java.util.List;

/**
 * The results of one target's run, as written to JSON by {@link JournalBenchmark} and read by
 * {@link JournalReport}. Times are in microseconds, rates in events per second.
 */
final class BenchmarkResults {

  private BenchmarkResults() {}

  /** Everything measured for one journal set-up. */
  record Target(String target, String label, String setUp, Parameters parameters, Writes sequential,
      Writes concurrent, Replay replay) {}

  /** The sizes of the run. */
  record Parameters(int sequentialWarmUpEvents, int sequentialEvents, int concurrentEntities,
      int concurrentWarmUpEventsEach, int concurrentEventsEach, int replayEvents,
      int replayBatch, int replayRounds, long lagSampleIntervalMicros) {}

  /**
   * A writing scenario: {@code entities} drivers, each persisting {@code events / entities} events
   * one after the other; throughput over the span from the first send to the last ack.
   *
   * @param lag the replica's lag during the scenario; null without a replica
   */
  record Writes(int entities, long events, double seconds, double eventsPerSecond,
      double p50Micros, double p99Micros, double meanMicros, double maxMicros, Lag lag) {}

  /**
   * How far the replica trailed the acknowledged events (see {@link ReplicationLagSampler}).
   *
   * @param samples samples taken while writing
   * @param laggingSamples samples in which some acknowledged event was not on the replica
   * @param behindP50 events acknowledged but not on the replica (summed over entities), median
   * @param ageP50Micros age of the oldest acknowledged event not on the replica, median (0 when
   *     none)
   * @param drainMicros time from the last acknowledgement until the replica held every event;
   *     -1 if it still lacked {@code missingAtEnd} events when the wait for it timed out
   * @param completeAtFirstCheck whether the replica was already complete when first checked after
   *     the run (then {@code drainMicros} is only an upper bound)
   * @param inFlightMax the most replication requests of the writer in flight (sent, answer not
   *     back) in any sample
   * @param settledMicros time from the last acknowledgement until every replication request had
   *     its answer (or timed out)
   */
  record Lag(int samples, long intervalMicros, long laggingSamples, long behindP50,
      long behindP99, long behindMax, double behindMean, double ageP50Micros,
      double ageP99Micros, double ageMaxMicros, double drainMicros,
      boolean completeAtFirstCheck, long missingAtEnd, long inFlightMax,
      double settledMicros) {}

  /** Recovery of one entity with {@code events} events, {@code rounds} times. */
  record Replay(long events, List<Double> roundsEventsPerSecond, double medianEventsPerSecond) {}
}
