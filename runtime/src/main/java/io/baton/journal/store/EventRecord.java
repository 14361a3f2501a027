package io.baton.journal.store;

import java.util.Arrays;
import java.util.Objects;

/**
 * One stored event: the serialized form of one Pekko {@code PersistentRepr} (its payload, writer
 * and manifest are inside {@code payload}), addressed by persistence id and sequence number.
 *
 * <p>The store never looks inside {@code payload}; it only checksums it. Two records are equal
 * when their persistence ids, sequence numbers and payload bytes are equal. The record does not
 * copy the array: callers must not change it after handing it over.
 *
 * @param persistenceId a non-empty persistence id
 * @param sequenceNr the event's sequence number, at least 1
 * @param payload the serialized event, never {@code null} (may be empty)
 */
public record EventRecord(String persistenceId, long sequenceNr, byte[] payload) {

  /** Validates the fields; the message names the bad value and what is allowed. */
  public EventRecord {
    StoreKeys.requirePersistenceId(persistenceId);
    if (sequenceNr < 1) {
      throw new IllegalArgumentException(
          "sequenceNr of " + persistenceId + " is " + sequenceNr + ": it must be at least 1");
    }
    Objects.requireNonNull(payload, "payload");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EventRecord r
        && sequenceNr == r.sequenceNr
        && persistenceId.equals(r.persistenceId)
        && Arrays.equals(payload, r.payload);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * persistenceId.hashCode() + Long.hashCode(sequenceNr))
        + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "EventRecord[" + persistenceId + "#" + sequenceNr + ", " + payload.length + " bytes]";
  }
}
