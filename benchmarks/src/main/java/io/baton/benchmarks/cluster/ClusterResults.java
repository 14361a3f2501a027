package io.baton.benchmarks.cluster;

import java.util.List;

/**
 * The results of one target, as written to JSON by {@link ClusterBenchmark} and read by {@link
 * ClusterReport}. Times in milliseconds unless named otherwise.
 */
final class ClusterResults {

  private ClusterResults() {}

  record Target(String target, String label, String setUp, Parameters parameters,
      List<Run> runs) {}

  /** The sizes of the run; {@code warmUpMillis} etc. as {@link ClusterSettings}. */
  record Parameters(int runs, int nodes, int entities, double rate, long warmUpMillis,
      long tailMillis, long maxWaitMillis, String victim, String heap, long attemptTimeoutMillis,
      long giveUpMillis) {}

  /**
   * One run on a fresh cluster. The request figures count the requests that ended once every
   * counter had answered (from the start of the warm-up to the end of the load); those that failed
   * earlier, while the fresh cluster allocated its shards, are counted apart.
   *
   * @param startupSeconds from starting the JVMs until every node saw all members Up and listened
   * @param affected counters that lived on the killed node (by their last answer before the kill)
   * @param stalled counters that lived on a survivor and stalled after the kill (see {@link
   *     TakeoverTimeline})
   * @param complete whether every affected counter answered again within the maximum wait
   * @param takeoverMillis from the kill to the recovery of the last affected or stalled counter;
   *     -1 unless complete
   * @param entityMedianMillis median over the affected and stalled counters of their recovery
   *     time
   * @param requests increments that ended from the warm-up on
   * @param failed of those, the ones the client gave up on (or got an error for)
   * @param failedAfterKill of those, the ones that ended after the kill
   * @param retried of the requests, the ones that took more than one attempt
   * @param longestRequestMillis the longest time one successful increment took the caller
   * @param failedAtStart increments that failed before every counter had answered once
   * @param acknowledged increments answered, over the whole run
   * @param finalTotal the sum of all counters read at the end
   * @param lost acknowledged increments missing from the counters at the end (must be 0)
   * @param appliedWithoutAck increments counted but never acknowledged: requests the client gave up
   *     on that were applied after all, and, without idempotency, retries applied twice
   * @param unread counters whose final read failed (their figures are left out)
   * @param requestsPerSecond increments per second from the warm-up to the end of the load
   * @param p50Millis median time of a successful increment between the warm-up and the kill
   * @param p99Millis its 99th percentile (nearest rank)
   * @param faultWindow the requests in flight at the kill or meant to start from the kill until
   *     the last affected or stalled counter recovered (until the maximum wait if not all did)
   * @param recoveries every affected or stalled counter's recovery, by time
   * @param failures every failed request counted in {@code failed}, by when it ended
   */
  record Run(int run, String victim, double startupSeconds, int entities, int affected,
      boolean complete, double takeoverMillis, double entityMedianMillis, long requests,
      long failed, long failedAfterKill, long retried, double longestRequestMillis,
      long failedAtStart, long acknowledged, long finalTotal, long lost, long appliedWithoutAck,
      int unread, double requestsPerSecond, double p50Millis, double p99Millis, int stalled,
      Window faultWindow, List<Recovery> recoveries, List<Failure> failures) {}

  /**
   * The requests of a window, latency from their intended start (given-up ones at their give-up
   * time), percentiles by nearest rank.
   *
   * @param requests how many
   * @param failed how many the client gave up on (or got an error for)
   * @param p50Millis median latency
   * @param p99Millis 99th percentile latency
   * @param maxMillis the longest
   */
  record Window(long requests, long failed, double p50Millis, double p99Millis,
      double maxMillis) {}

  /**
   * One counter's takeover.
   *
   * @param entity its index
   * @param onKilledNode whether it lived on the killed node (else it stalled on a survivor)
   * @param millis from the kill to its first answer again
   */
  record Recovery(int entity, boolean onKilledNode, double millis) {}

  /**
   * A request the client gave up on, times from the kill (negative: before it).
   *
   * @param onKilledNode whether its counter lived on the killed node
   */
  record Failure(int entity, boolean onKilledNode, long startMillis, long endMillis) {}
}
