package io.baton.journal.replication;

/**
 * A write or an ownership change could not reach its whole replica set in time, so it is not
 * acknowledged. Nothing is lost that was acknowledged; the behaviour may retry once the ring has
 * settled (a crashed replica is removed by the Split Brain Resolver within seconds).
 */
public class ReplicationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ReplicationException(String message, Throwable cause) {
    super(message, cause);
  }

  public ReplicationException(String message) {
    super(message);
  }
}
