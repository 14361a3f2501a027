package io.baton.load;

import java.util.List;

/**
 * How one logical request ended, from {@link EntityClient}: its outcome, the last HTTP answer
 * (status 0 and an empty body if none came), and every attempt in order.
 *
 * @param outcome the final outcome
 * @param status the status of the last answer, 0 if no attempt was answered
 * @param body the body of the last answer, empty if none
 * @param attempts every attempt, in the order sent (empty only if the request was due so long ago
 *     that no attempt could start before the give-up time)
 * @param endNanos when it ended, on the client's {@link LoadClock}
 */
public record Answer(Outcome outcome, int status, String body, List<Attempt> attempts,
    long endNanos) {

  /** Validates and copies the attempts. */
  public Answer {
    if (outcome == null || body == null || attempts == null) {
      throw new IllegalArgumentException("outcome, body and attempts are required (body \"\" for"
          + " none)");
    }
    attempts = List.copyOf(attempts);
  }

  /** Whether more than one attempt was needed. */
  public boolean retried() {
    return attempts.size() > 1;
  }
}
