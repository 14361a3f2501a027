package io.baton.journal.replication;

/**
 * A write was refused because another node has since become the owner of the persistence id (a
 * replica holds a newer epoch). The behaviour's persist fails with this; the node must stop
 * writing for that entity, whose new owner is elsewhere.
 */
public final class FencedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String persistenceId;
  private final long currentEpoch;

  public FencedException(String persistenceId, long epoch, long current, String replica) {
    super("write for " + persistenceId + " refused by " + replica + ": this node wrote under epoch "
        + epoch + " but the entity has a newer owner (epoch " + current + "). This node lost"
        + " ownership (it was taken over while down or frozen) and must not write for it again;"
        + " the entity lives on its new owner");
    this.persistenceId = persistenceId;
    this.currentEpoch = current;
  }

  /** The entity this node no longer owns. */
  public String persistenceId() {
    return persistenceId;
  }

  /** The newer owner's epoch, as the refusing replica holds it. */
  public long currentEpoch() {
    return currentEpoch;
  }
}
