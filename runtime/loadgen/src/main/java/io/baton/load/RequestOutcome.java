package io.baton.load;

import java.util.List;

/**
 * The record of one request of a load, as the history holds it: what was sent, when it was meant
 * to start, when and how it ended. Times are nanoseconds after the start of the run, on the
 * generator's {@link LoadClock}; latency is measured from the <em>intended</em> start, so a
 * request that waited for a stalled scheduler or server counts all of that wait.
 *
 * @param seq the request's number in the run, from 0, in order of intended start per stream
 * @param stream the stream's name
 * @param phase the phase current at the intended start
 * @param request what was sent
 * @param issuedAtMillis the {@code Baton-Issued-At} sent (epoch milliseconds of the intended start)
 * @param deadlineMillis the {@code Baton-Deadline} sent
 * @param intendedNanos intended start, after the run's start
 * @param endNanos when the outcome was known, after the run's start
 * @param answer the outcome, last answer and attempts
 */
public record RequestOutcome(long seq, String stream, String phase, LoadRequest request,
    long issuedAtMillis, long deadlineMillis, long intendedNanos, long endNanos, Answer answer) {

  /** From intended start to outcome. */
  public long latencyNanos() {
    return endNanos - intendedNanos;
  }

  /** The final outcome. */
  public Outcome outcome() {
    return answer.outcome();
  }

  /** The attempts, in order. */
  public List<Attempt> attempts() {
    return answer.attempts();
  }
}
