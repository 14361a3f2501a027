package io.baton.journal.store;

/**
 * A fenced append was refused: the store holds a newer epoch for the persistence id than the one
 * the writer sent, so another node has become the entity's owner. Nothing was stored.
 */
public final class FencedWriteException extends JournalStoreException {
  private static final long serialVersionUID = 1L;

  private final String persistenceId;
  private final long sentEpoch;
  private final long currentEpoch;

  FencedWriteException(String persistenceId, long sentEpoch, long currentEpoch) {
    super("write for " + persistenceId + " under epoch " + sentEpoch + " refused: epoch "
        + currentEpoch + " is stored here, so a newer owner holds the entity");
    this.persistenceId = persistenceId;
    this.sentEpoch = sentEpoch;
    this.currentEpoch = currentEpoch;
  }

  public String persistenceId() {
    return persistenceId;
  }

  public long sentEpoch() {
    return sentEpoch;
  }

  public long currentEpoch() {
    return currentEpoch;
  }
}
