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
 * @param startNanos when the caller issued it ({@link System#nanoTime()})
 * @param endNanos when the caller got the outcome
 */
record Answer(int entity, boolean ok, long count, String node, int attempts, long startNanos,
    long endNanos) {

  boolean retried() {
    return attempts > 1;
  }
}
