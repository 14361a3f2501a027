package io.baton.journal.store;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to open a {@link JournalStore}: its data directory, whether commits are fsynced, and how
 * large one group commit may grow. An immutable value, validated when built; {@code withX}
 * returns a copy.
 *
 * <p>Defaults ({@link #create(Path)}): fsync on, at most 4096 requests and 8 MiB of record
 * payload per group commit.
 *
 * @param directory the data directory; created (with its parents) if missing
 * @param fsync whether every group commit syncs the write-ahead log before it is acknowledged.
 *     With {@code false} an acknowledged write survives the crash of the process but not of the
 *     operating system or machine.
 * @param maxGroupRequests most write requests coalesced into one group commit, at least 1
 * @param maxGroupBytes payload bytes after which a group commit stops taking more requests, at
 *     least 1 (a single larger request still goes through, alone)
 * @param repairDamagedLog what to do with a write-ahead log that has a corrupt record: false (the
 *     default) refuses to open ({@link DamagedStoreException}); true opens its intact prefix and
 *     marks the store {@linkplain JournalStore#damage() damaged}, for a node that repairs it
 *     from its replicas before it serves
 */
public record JournalStoreSettings(
    Path directory, boolean fsync, int maxGroupRequests, long maxGroupBytes,
    boolean repairDamagedLog) {

  /** Default for {@link #maxGroupRequests()}. */
  public static final int DEFAULT_MAX_GROUP_REQUESTS = 4096;

  /** Default for {@link #maxGroupBytes()}: 8 MiB. */
  public static final long DEFAULT_MAX_GROUP_BYTES = 8L * 1024 * 1024;

  /** Validates the fields; the message names the bad value and what is allowed. */
  public JournalStoreSettings {
    Objects.requireNonNull(directory, "directory");
    if (directory.toString().isEmpty()) {
      throw new IllegalArgumentException("directory is empty: give the data directory's path");
    }
    if (maxGroupRequests < 1) {
      throw new IllegalArgumentException(
          "maxGroupRequests is " + maxGroupRequests + ": it must be at least 1");
    }
    if (maxGroupBytes < 1) {
      throw new IllegalArgumentException(
          "maxGroupBytes is " + maxGroupBytes + ": it must be at least 1");
    }
  }

  /** Settings with the defaults for the given data directory. */
  public static JournalStoreSettings create(Path directory) {
    return new JournalStoreSettings(
        directory, true, DEFAULT_MAX_GROUP_REQUESTS, DEFAULT_MAX_GROUP_BYTES, false);
  }

  /** A copy with another data directory. */
  public JournalStoreSettings withDirectory(Path directory) {
    return new JournalStoreSettings(directory, fsync, maxGroupRequests, maxGroupBytes, repairDamagedLog);
  }

  /** A copy with fsync on or off. */
  public JournalStoreSettings withFsync(boolean fsync) {
    return new JournalStoreSettings(directory, fsync, maxGroupRequests, maxGroupBytes, repairDamagedLog);
  }

  /** A copy with another limit on the requests of one group commit. */
  public JournalStoreSettings withMaxGroupRequests(int maxGroupRequests) {
    return new JournalStoreSettings(directory, fsync, maxGroupRequests, maxGroupBytes, repairDamagedLog);
  }

  /** A copy that opens a damaged log for repair, or refuses it. */
  public JournalStoreSettings withRepairDamagedLog(boolean repairDamagedLog) {
    return new JournalStoreSettings(directory, fsync, maxGroupRequests, maxGroupBytes,
        repairDamagedLog);
  }

  /** A copy with another limit on the payload bytes of one group commit. */
  public JournalStoreSettings withMaxGroupBytes(long maxGroupBytes) {
    return new JournalStoreSettings(directory, fsync, maxGroupRequests, maxGroupBytes, repairDamagedLog);
  }
}
