package io.baton.limits;

/**
 * A value was refused because it exceeds one of the node's {@link Limits}: nothing of it was
 * stored or sent. {@link #limit()} names the configuration key of the limit, so that an HTTP
 * error or a log line can say which one.
 */
public final class LimitExceededException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String limit;

  public LimitExceededException(String limit, String message) {
    super(message);
    this.limit = limit;
  }

  public LimitExceededException(String limit, String message, Throwable cause) {
    super(message, cause);
    this.limit = limit;
  }

  /** The configuration key of the limit, e.g. {@code pekko.serialization.jackson.read.max-name-length}. */
  public String limit() {
    return limit;
  }
}
