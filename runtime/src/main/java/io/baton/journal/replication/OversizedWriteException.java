package io.baton.journal.replication;

/**
 * A write was refused, not sent: one entity's events of it are larger than one replication
 * message may be (below {@code pekko.remote.artery.advanced.maximum-frame-size}), and Artery
 * would drop such a message in flight. Nothing of the write is acknowledged; other writes go on.
 */
public final class OversizedWriteException extends ReplicationException {

  private static final long serialVersionUID = 1L;

  public OversizedWriteException(String persistenceId, long bytes, long maxMessageBytes) {
    super("the write of " + persistenceId + " is about " + bytes + " bytes, more than one"
        + " replication message carries (" + maxMessageBytes + " bytes, below"
        + " pekko.remote.artery.advanced.maximum-frame-size): it is refused, not sent. Keep"
        + " events below baton.limits.max-event-bytes and persistAll groups small");
  }
}
