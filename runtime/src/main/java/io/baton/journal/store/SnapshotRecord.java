package io.baton.journal.store;

import java.util.Arrays;
import java.util.Objects;

/**
 * One stored snapshot: its metadata (persistence id, sequence number, timestamp) and its
 * serialized bytes. At most one snapshot is kept per persistence id and sequence number: saving
 * another one with the same pair replaces it.
 *
 * <p>The store never looks inside {@code payload}; it only checksums it (with the timestamp).
 * The record does not copy the array: callers must not change it after handing it over.
 *
 * @param persistenceId a non-empty persistence id
 * @param sequenceNr the sequence number of the last event the snapshot includes, at least 0
 * @param timestamp when the snapshot was taken, in milliseconds since the epoch, at least 0
 * @param payload the serialized snapshot, never {@code null}
 */
public record SnapshotRecord(
    String persistenceId, long sequenceNr, long timestamp, byte[] payload) {

  /** Validates the fields; the message names the bad value and what is allowed. */
  public SnapshotRecord {
    StoreKeys.requirePersistenceId(persistenceId);
    if (sequenceNr < 0) {
      throw new IllegalArgumentException("snapshot sequenceNr of " + persistenceId + " is "
          + sequenceNr + ": it must be at least 0");
    }
    if (timestamp < 0) {
      throw new IllegalArgumentException("snapshot timestamp of " + persistenceId + " is "
          + timestamp + ": it must be at least 0");
    }
    Objects.requireNonNull(payload, "payload");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SnapshotRecord r
        && sequenceNr == r.sequenceNr
        && timestamp == r.timestamp
        && persistenceId.equals(r.persistenceId)
        && Arrays.equals(payload, r.payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(persistenceId, sequenceNr, timestamp) * 31 + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "SnapshotRecord[" + persistenceId + "#" + sequenceNr + " @" + timestamp + ", "
        + payload.length + " bytes]";
  }
}
