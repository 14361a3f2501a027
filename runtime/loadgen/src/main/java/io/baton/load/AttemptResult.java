package io.baton.load;

/**
 * How one attempt of a request ended, as the client saw it. The attempt policy decides from this
 * alone whether the request is over ({@link AttemptPolicy#afterAttempt}).
 */
public sealed interface AttemptResult {

  /** A short label for the history: {@code 200 applied}, {@code 503}, {@code timeout}, ... */
  String label();

  /**
   * An HTTP answer.
   *
   * @param status the status code
   * @param reply the {@code "reply"} field of a Baton JSON reply ({@code applied}, {@code
   *     already-applied}, {@code rejected}), empty if the body is not one
   */
  record Answered(int status, String reply) implements AttemptResult {
    /** Validates: status is an HTTP status code and reply is not null. */
    public Answered {
      if (status < 100 || status > 599) {
        throw new IllegalArgumentException("HTTP status " + status + " is not in 100..599");
      }
      if (reply == null) {
        throw new IllegalArgumentException("reply is null: pass \"\" for a body that is not a"
            + " Baton reply");
      }
    }

    @Override
    public String label() {
      return reply.isEmpty() ? Integer.toString(status) : status + " " + reply;
    }
  }

  /** No answer within the attempt timeout: the request may or may not have reached the entity. */
  record TimedOut() implements AttemptResult {
    @Override
    public String label() {
      return "timeout";
    }
  }

  /**
   * No connection or a connection lost before the answer (refused, reset, closed).
   *
   * @param detail what the transport said
   */
  record ConnectionFailed(String detail) implements AttemptResult {
    @Override
    public String label() {
      return "connection-failed: " + detail;
    }
  }
}
