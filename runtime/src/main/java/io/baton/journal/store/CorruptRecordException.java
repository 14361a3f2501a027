package io.baton.journal.store;

import java.nio.file.Path;

/**
 * A stored value failed its integrity check: its CRC32C does not match its payload, or it is
 * shorter than its header says (a torn or truncated write), or its header is unknown. The record
 * cannot be trusted and is not returned.
 *
 * <p>The exception names the record ({@link #kind()}, {@link #persistenceId()},
 * {@link #sequenceNr()}) so that a caller can repair exactly that record, for example from a
 * replica, or delete it. Nothing else in the store is affected: other records stay readable.
 */
public final class CorruptRecordException extends JournalStoreException {

  /** What kind of stored value failed its check. */
  public enum Kind {
    /** An event; {@link #sequenceNr()} is its sequence number. */
    EVENT,
    /** A snapshot; {@link #sequenceNr()} is its sequence number. */
    SNAPSHOT,
    /** The per-persistence-id record of the highest and the deleted-to sequence numbers. */
    SEQUENCE_STATE,
    /** The per-persistence-id fencing epoch. */
    EPOCH
  }

  private final Kind kind;
  private final String persistenceId;
  private final long sequenceNr;

  CorruptRecordException(
      Path directory, Kind kind, String persistenceId, long sequenceNr, String problem) {
    super(describe(directory, kind, persistenceId, sequenceNr, problem));
    this.kind = kind;
    this.persistenceId = persistenceId;
    this.sequenceNr = sequenceNr;
  }

  /** What kind of stored value is corrupt. */
  public Kind kind() {
    return kind;
  }

  /** The persistence id the corrupt value belongs to. */
  public String persistenceId() {
    return persistenceId;
  }

  /** The sequence number of the corrupt event or snapshot; 0 for the other kinds. */
  public long sequenceNr() {
    return sequenceNr;
  }

  private static String describe(
      Path directory, Kind kind, String persistenceId, long sequenceNr, String problem) {
    String what = switch (kind) {
      case EVENT -> "event " + persistenceId + "#" + sequenceNr;
      case SNAPSHOT -> "snapshot " + persistenceId + "#" + sequenceNr;
      case SEQUENCE_STATE -> "sequence numbers of " + persistenceId;
      case EPOCH -> "fencing epoch of " + persistenceId;
    };
    return "corrupt " + what + " in " + directory + ": " + problem
        + ". The stored bytes cannot be trusted and were not returned; restore this record from"
        + " a replica, or delete it.";
  }
}
