package io.baton.benchmarks.cluster;

/**
 * The outcome of one client request, as the caller saw it: the unit of a run's timeline.
 *
 * @param entity the entity's index in the run
 * @param ok whether the client returned an answer from the entity (false: it gave up, or got an
 *     error it does not retry)
 * @param count the count in the answer (0 when not ok)
 * @param node the node the answer names (for a Baton retry answered {@code AlreadyApplied}, the
 *     node that applied the request first); empty when not ok
 * @param attempts how many attempts the client made (more than 1: the request was retried)
 * @param startNanos when the request was meant to start ({@link System#nanoTime()}): for the
 *     open-loop load its intended start, so its latency includes any wait for the sender
 * @param endNanos when the caller got the outcome
 * @param stalled whether an attempt got no answer from the entity (timed out, or a 5xx), as
 *     opposed to a refused connection, which the client skips at once
 * @param outcome the load generator's outcome ({@code OK}, {@code FAILED}: given up, ...), or
 *     {@code OK}/{@code FAILED} for the clients of the final reads
 */
record Answer(int entity, boolean ok, long count, String node, int attempts, long startNanos,
    long endNanos, boolean stalled, String outcome) {

  /** An answer of the final reads' clients (no attempt detail). */
  Answer(int entity, boolean ok, long count, String node, int attempts, long startNanos,
      long endNanos) {
    this(entity, ok, count, node, attempts, startNanos, endNanos, !ok, ok ? "OK" : "FAILED");
  }

  boolean retried() {
    return attempts > 1;
  }

  /** From the (intended) start to the outcome. */
  long latencyNanos() {
    return endNanos - startNanos;
  }

  /** Whether the client gave up on it (no final answer before its deadline). */
  boolean givenUp() {
    return "FAILED".equals(outcome);
  }
}
