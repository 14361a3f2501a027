package io.baton.journal.store;

/**
 * Which snapshots of one persistence id a load or delete selects: those whose sequence number
 * and timestamp both lie in the inclusive ranges. The same four bounds as Pekko's
 * {@code SnapshotSelectionCriteria}, without depending on Pekko.
 *
 * @param maxSequenceNr highest sequence number selected (inclusive)
 * @param maxTimestamp latest timestamp selected (inclusive), milliseconds since the epoch
 * @param minSequenceNr lowest sequence number selected (inclusive)
 * @param minTimestamp earliest timestamp selected (inclusive)
 */
public record SnapshotCriteria(
    long maxSequenceNr, long maxTimestamp, long minSequenceNr, long minTimestamp) {

  private static final SnapshotCriteria LATEST =
      new SnapshotCriteria(Long.MAX_VALUE, Long.MAX_VALUE, 0L, 0L);

  /** Every snapshot; a load of it returns the one with the highest sequence number. */
  public static SnapshotCriteria latest() {
    return LATEST;
  }

  /** Snapshots up to {@code maxSequenceNr} and {@code maxTimestamp}, with no lower bounds. */
  public static SnapshotCriteria upTo(long maxSequenceNr, long maxTimestamp) {
    return new SnapshotCriteria(maxSequenceNr, maxTimestamp, 0L, 0L);
  }

  /** True when a snapshot with this sequence number and timestamp is selected. */
  public boolean matches(long sequenceNr, long timestamp) {
    return sequenceNr <= maxSequenceNr && sequenceNr >= minSequenceNr
        && timestamp <= maxTimestamp && timestamp >= minTimestamp;
  }

  /** True when no sequence number can match (an empty range). */
  boolean selectsNothing() {
    return minSequenceNr > maxSequenceNr || minTimestamp > maxTimestamp || maxSequenceNr < 0;
  }
}
