package io.baton.client;

import java.util.List;

/**
 * What {@link BatonClient#send} ends with: the entity's answer, or the admission that the outcome
 * is unknown. Either way, every attempt is reported.
 *
 * @param <R> the result type
 */
public sealed interface ClientResult<R> {

  /** The idempotency key the request was sent with (on every attempt). */
  String requestId();

  /** The attempts made, in order. */
  List<Attempt> attempts();

  /** The entity answered; {@code reply} says applied, already applied or rejected. */
  record Answered<R>(String requestId, Reply<R> reply, List<Attempt> attempts)
      implements ClientResult<R> {
    public Answered {
      attempts = List.copyOf(attempts);
    }
  }

  /**
   * No attempt got an answer before the retry policy ended (deadline or attempt count). The
   * request may or may not have been applied: an attempt may have reached the entity and only its
   * reply been lost. To learn the outcome, send it again with the same {@code requestId} before
   * the entity's retention forgets it: the answer is then {@link Reply.AlreadyApplied} with the
   * recorded result, or {@link Reply.Rejected} with {@link Reply.Rejected#DEADLINE_PASSED} if it
   * never was (the deadline of the original request has passed).
   */
  record Unknown<R>(String requestId, String reason, List<Attempt> attempts)
      implements ClientResult<R> {
    public Unknown {
      attempts = List.copyOf(attempts);
    }
  }
}
