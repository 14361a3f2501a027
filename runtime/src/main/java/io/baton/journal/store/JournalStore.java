package io.baton.journal.store;

import io.baton.journal.store.CorruptRecordException.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Status;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteOptions;

/**
 * The node-local store of events, snapshots and fencing epochs: one embedded RocksDB database in
 * one data directory, shared by every persistence id on the node.
 *
 * <h2>What it guarantees</h2>
 * <ul>
 *   <li><b>Atomic, durable writes.</b> Every write method returns a stage that completes when the
 *       write is durable: it was written in one RocksDB {@code WriteBatch} and, with
 *       {@link JournalStoreSettings#fsync()} on (the default), the write-ahead log was fsynced.
 *       Either all of one call's records are stored or none. A stage that fails means the write
 *       was not stored.
 *   <li><b>Group commit.</b> Writes from any number of threads are coalesced by one writer thread
 *       into one synced batch (see {@link GroupCommitWriter}); stages complete on that thread, so
 *       dependent actions must not block.
 *   <li><b>Visibility.</b> A write is visible to reads only once it is durable; reads never see
 *       half of a write.
 *   <li><b>Order.</b> Writes are applied in the order they were submitted; reads return events in
 *       ascending sequence number.
 *   <li><b>Integrity.</b> Every stored value carries a CRC32C of its payload (see
 *       {@link RecordFrame}); a read that meets a value failing the check, or a truncated one,
 *       throws {@link CorruptRecordException} naming the persistence id and sequence number, and
 *       returns nothing for it.
 *   <li><b>Deletion.</b> {@link #deleteTo} hides events up to a sequence number at once and frees
 *       their space later (a RocksDB range tombstone); {@link #highestSequenceNr} still reports
 *       the highest sequence number ever written.
 *   <li><b>Thread safety.</b> Every method may be called from any thread. Reads run on the
 *       caller's thread and block it briefly (local disk or cache).
 * </ul>
 *
 * <h2>Layout</h2>
 * Column families {@code events}, {@code snapshots}, {@code sequences} (highest and deleted-to
 * sequence numbers per persistence id) and {@code epochs}, keyed as {@link StoreKeys} describes;
 * the {@code default} family holds the store format number.
 *
 * <h2>Lifecycle</h2>
 * {@link #open} → open → {@link #close()} → closed. {@code close} commits the writes submitted
 * before it, then waits for running reads and releases the directory lock; afterwards every
 * method throws (or fails its stage with) {@link JournalStoreException}. Two stores cannot hold
 * one directory at once, in one process or two: within a process, share one through
 * {@link JournalStoreRegistry}.
 */
public final class JournalStore implements AutoCloseable {

  private static final long FORMAT_VERSION = 1;
  private static final byte[] FORMAT_KEY = "baton.store.format".getBytes(
      java.nio.charset.StandardCharsets.US_ASCII);
  /**
   * Present in the default family while the store was opened from a damaged write-ahead log and
   * not yet repaired from the replicas: survives a crash during the repair, so it starts again.
   */
  private static final byte[] REPAIR_KEY = "baton.store.repair-pending".getBytes(
      java.nio.charset.StandardCharsets.US_ASCII);
  private static final List<String> COLUMN_FAMILIES =
      List.of("events", "snapshots", "sequences", "epochs");

  private final JournalStoreSettings settings;
  private final Path directory;
  private final RocksDB db;
  private final DBOptions dbOptions;
  private final ColumnFamilyOptions cfOptions;
  private final List<ColumnFamilyHandle> handles;
  private final CommitGroup.Columns columns;
  private final WriteOptions writeOptions;
  private final GroupCommitWriter writer;
  /** Readers hold the read lock; close takes the write lock, so no read runs on a closed DB. */
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private volatile boolean closed;

  private JournalStore(JournalStoreSettings settings, Path directory, RocksDB db,
      DBOptions dbOptions, ColumnFamilyOptions cfOptions, List<ColumnFamilyHandle> handles) {
    this.settings = settings;
    this.directory = directory;
    this.db = db;
    this.dbOptions = dbOptions;
    this.cfOptions = cfOptions;
    this.handles = handles;
    this.columns = new CommitGroup.Columns(handles.get(1), handles.get(2), handles.get(3),
        handles.get(4));
    this.writeOptions = new WriteOptions().setSync(settings.fsync());
    CommitGroup.StateReader reader = new CommitGroup.StateReader() {
      @Override
      public SequenceState sequenceState(String persistenceId, byte[] pidKey)
          throws RocksDBException {
        return readSequenceState(persistenceId, pidKey);
      }

      @Override
      public long epoch(String persistenceId, byte[] pidKey) throws RocksDBException {
        return readEpoch(persistenceId, pidKey);
      }
    };
    this.writer = new GroupCommitWriter(db, writeOptions, settings, directory,
        () -> new CommitGroup(columns, reader));
  }

  /**
   * Opens (creating if missing) the store in {@code settings.directory()}.
   *
   * @throws JournalStoreException if the directory cannot be created, is not a readable and
   *     writable directory, is locked by another process or another open store, or holds a
   *     database this version cannot read; the message says which and what to do
   */
  public static JournalStore open(JournalStoreSettings settings) {
    Objects.requireNonNull(settings, "settings");
    RocksDB.loadLibrary();
    Path directory = prepareDirectory(settings.directory());
    try {
      return open(settings, directory, WALRecoveryMode.AbsoluteConsistency);
    } catch (DamagedStoreException damaged) {
      if (!settings.repairDamagedLog()) {
        throw damaged;
      }
      // Keep the intact prefix of the log and mark the store: the node copies what it lost
      // from its replicas before it serves (JournalReplication), and only then clears the mark.
      JournalStore store = open(settings, directory, WALRecoveryMode.PointInTimeRecovery);
      try (WriteOptions sync = new WriteOptions().setSync(true)) {
        store.db.put(sync, REPAIR_KEY, damaged.getMessage().getBytes(
            java.nio.charset.StandardCharsets.UTF_8));
      } catch (RocksDBException e) {
        store.close();
        throw new JournalStoreException("cannot mark the damaged store in " + directory
            + " for repair: " + e.getMessage(), e);
      }
      return store;
    }
  }

  /**
   * Whether the store was opened from a damaged write-ahead log (with {@link
   * JournalStoreSettings#repairDamagedLog()}) and has not been {@linkplain #markRepaired repaired}
   * yet: it may lack acknowledged events and must not be served until it is.
   */
  public Optional<String> damage() {
    try {
      byte[] mark = db.get(REPAIR_KEY);
      return mark == null ? Optional.empty()
          : Optional.of(new String(mark, java.nio.charset.StandardCharsets.UTF_8));
    } catch (RocksDBException e) {
      throw new JournalStoreException("cannot read the repair mark in " + directory + ": "
          + e.getMessage(), e);
    }
  }

  /** The store holds again everything its replicas hold for it: clears {@link #damage()}. */
  public void markRepaired() {
    try (WriteOptions sync = new WriteOptions().setSync(true)) {
      db.delete(sync, REPAIR_KEY);
    } catch (RocksDBException e) {
      throw new JournalStoreException("cannot clear the repair mark in " + directory + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * Up to {@code max} persistence ids this store holds events of, in key order, after {@code
   * after} (empty: from the first).
   */
  public List<String> persistenceIds(String after, int max) {
    return reading(() -> {
      List<String> ids = new ArrayList<>();
      try (RocksIterator it = db.newIterator(columns.sequences())) {
        if (after.isEmpty()) {
          it.seekToFirst();
        } else {
          it.seek(StoreKeys.pidKey(after));
          if (it.isValid() && StoreKeys.persistenceId(it.key()).equals(after)) {
            it.next();
          }
        }
        for (; it.isValid() && ids.size() < max; it.next()) {
          ids.add(StoreKeys.persistenceId(it.key()));
        }
        it.status();
      }
      return ids;
    });
  }

  private static JournalStore open(JournalStoreSettings settings, Path directory,
      WALRecoveryMode recovery) {
    DBOptions dbOptions = new DBOptions()
        // A corrupt record anywhere in the log refuses the open (RocksDB's default drops the
        // log from that record on, acknowledged writes included, and says nothing).
        .setWalRecoveryMode(recovery)
        .setCreateIfMissing(true)
        .setCreateMissingColumnFamilies(true)
        .setKeepLogFileNum(3)
        .setMaxLogFileSize(16L * 1024 * 1024);
    ColumnFamilyOptions cfOptions = new ColumnFamilyOptions();
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
    for (String name : COLUMN_FAMILIES) {
      descriptors.add(new ColumnFamilyDescriptor(
          name.getBytes(java.nio.charset.StandardCharsets.US_ASCII), cfOptions));
    }
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    RocksDB db;
    try {
      db = RocksDB.open(dbOptions, directory.toString(), descriptors, handles);
    } catch (RocksDBException e) {
      cfOptions.close();
      dbOptions.close();
      if (e.getStatus() != null && e.getStatus().getCode() == Status.Code.Corruption) {
        throw new DamagedStoreException(directory, e);
      }
      throw openFailure(directory, e);
    }
    JournalStore store = new JournalStore(settings, directory, db, dbOptions, cfOptions, handles);
    try {
      store.checkFormat();
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    return store;
  }

  private static Path prepareDirectory(Path requested) {
    Path directory = requested.toAbsolutePath().normalize();
    if (Files.exists(directory) && !Files.isDirectory(directory)) {
      throw new JournalStoreException("the journal data directory " + directory
          + " exists but is not a directory: point the journal's dir at a directory (it is"
          + " created if missing)");
    }
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new JournalStoreException("cannot create the journal data directory " + directory
          + ": " + e + ". Check the path and the permissions of its parent.", e);
    }
    if (!Files.isReadable(directory) || !Files.isWritable(directory)
        || !Files.isExecutable(directory)) {
      throw new JournalStoreException("the journal data directory " + directory
          + " is not readable and writable by this process (user "
          + System.getProperty("user.name") + "): fix its permissions or choose another"
          + " directory");
    }
    return directory;
  }

  private static JournalStoreException openFailure(Path directory, RocksDBException e) {
    String message = String.valueOf(e.getMessage());
    Status status = e.getStatus();
    boolean lock = message.contains("LOCK") || message.contains("lock");
    if (lock && (status == null || status.getCode() == Status.Code.IOError)) {
      return new JournalStoreException("the journal data directory " + directory
          + " is locked: another process, or another open journal store in this JVM, is using"
          + " it (RocksDB: " + message + "). Stop that process, or give each node its own"
          + " directory; within one JVM, share one store through JournalStoreRegistry.", e);
    }
    return new JournalStoreException("cannot open the journal store in " + directory + ": "
        + message + ". If the directory holds data of another program, choose another"
        + " directory.", e);
  }

  private void checkFormat() {
    try {
      byte[] stored = db.get(FORMAT_KEY);
      if (stored == null) {
        try (WriteOptions sync = new WriteOptions().setSync(true)) {
          db.put(sync, FORMAT_KEY, ByteBuffer.allocate(8).putLong(FORMAT_VERSION).array());
        }
      } else if (stored.length != 8 || ByteBuffer.wrap(stored).getLong() != FORMAT_VERSION) {
        throw new JournalStoreException("the journal data directory " + directory
            + " holds store format " + describeFormat(stored) + ", but this version of Baton"
            + " reads format " + FORMAT_VERSION + ": run the Baton version that wrote it");
      }
    } catch (RocksDBException e) {
      throw new JournalStoreException(
          "cannot read the store format in " + directory + ": " + e.getMessage(), e);
    }
  }

  private static String describeFormat(byte[] stored) {
    return stored.length == 8
        ? Long.toString(ByteBuffer.wrap(stored).getLong())
        : "(unreadable: " + Arrays.toString(stored) + ")";
  }

  /** The data directory, absolute and normalised. */
  public Path directory() {
    return directory;
  }

  /** The settings the store was opened with. */
  public JournalStoreSettings settings() {
    return settings;
  }

  // ---------------------------------------------------------------------------------- events

  /**
   * Appends records, atomically and durably. The records may belong to several persistence ids;
   * all of them are stored in one batch or none is. Writing an existing (persistence id,
   * sequence number) replaces it. The highest sequence number of each persistence id rises to
   * the highest it was given (it never falls).
   *
   * @return a stage completed when the records are durable, or failed (nothing stored) with
   *     a {@link JournalStoreException}
   * @throws NullPointerException (at once) if the list or one of its records is null
   */
  public CompletionStage<Void> append(List<EventRecord> records) {
    return appendAfter(records, group -> { });
  }

  /** A check run by the writer, inside the append's atomic step, before the append is staged. */
  @FunctionalInterface
  private interface PreCheck {
    void check(CommitGroup group) throws RocksDBException;
  }

  private CompletionStage<Void> appendAfter(List<EventRecord> records, PreCheck preCheck) {
    List<EventRecord> batch = List.copyOf(records);
    if (batch.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    // Keys, frames and checksums are built here, on the caller's thread, so that the writer
    // thread (the serial section every append passes through) only copies them into the batch.
    int size = batch.size();
    byte[][] keys = new byte[size][];
    byte[][] values = new byte[size][];
    // Per persistence id (usually one per append): its key prefix and highest new number.
    Map<String, PidHighest> touched = new LinkedHashMap<>(2);
    long bytes = 0;
    for (int i = 0; i < size; i++) {
      EventRecord record = batch.get(i);
      PidHighest pid = touched.computeIfAbsent(record.persistenceId(),
          id -> new PidHighest(StoreKeys.pidKey(id)));
      pid.highest = Math.max(pid.highest, record.sequenceNr());
      keys[i] = StoreKeys.sequenceKey(pid.key, record.sequenceNr());
      values[i] = RecordFrame.encode(record.payload());
      bytes += record.payload().length;
    }
    return writer.submit(group -> {
      preCheck.check(group);
      for (int i = 0; i < size; i++) {
        group.batch.put(columns.events(), keys[i], values[i]);
      }
      for (Map.Entry<String, PidHighest> entry : touched.entrySet()) {
        PidHighest pid = entry.getValue();
        SequenceState state = group.sequenceState(entry.getKey(), pid.key);
        if (pid.highest > state.highest()) {
          group.putSequenceState(entry.getKey(), pid.key,
              new SequenceState(pid.highest, state.deletedTo()));
        }
      }
      return null;
    }, batch.size(), bytes, false);
  }

  /**
   * Calls {@code consumer} with the stored events of {@code persistenceId} whose sequence numbers
   * lie in {@code [fromSequenceNr, toSequenceNr]}, in ascending order, at most {@code max} of
   * them, skipping deleted events. Runs on the caller's thread; the consumer must not close the
   * store.
   *
   * @return how many events were passed to the consumer
   * @throws CorruptRecordException if a stored event in the range fails its integrity check (the
   *     events before it have been passed to the consumer)
   * @throws JournalStoreException if RocksDB fails or the store is closed
   */
  public long replay(String persistenceId, long fromSequenceNr, long toSequenceNr, long max,
      Consumer<EventRecord> consumer) {
    StoreKeys.requirePersistenceId(persistenceId);
    Objects.requireNonNull(consumer, "consumer");
    if (max <= 0 || toSequenceNr < 1 || fromSequenceNr > toSequenceNr) {
      return 0;
    }
    return reading(() -> {
      byte[] pidKey = StoreKeys.pidKey(persistenceId);
      SequenceState state = readSequenceState(persistenceId, pidKey);
      long from = Math.max(Math.max(fromSequenceNr, 1), state.deletedTo() + 1);
      if (from > toSequenceNr) {
        return 0L;
      }
      byte[] lower = StoreKeys.sequenceKey(pidKey, from);
      try (Slice lowerSlice = new Slice(lower);
           Slice upperSlice = new Slice(StoreKeys.upperBound(pidKey, toSequenceNr));
           ReadOptions options = new ReadOptions()
               .setIterateLowerBound(lowerSlice)
               .setIterateUpperBound(upperSlice);
           RocksIterator it = db.newIterator(columns.events(), options)) {
        long count = 0;
        for (it.seek(lower); it.isValid() && count < max; it.next()) {
          long sequenceNr = StoreKeys.sequenceNr(it.key());
          byte[] payload = RecordFrame.decode(
              it.value(), directory, Kind.EVENT, persistenceId, sequenceNr);
          consumer.accept(new EventRecord(persistenceId, sequenceNr, payload));
          count++;
        }
        it.status();
        return count;
      }
    });
  }

  /**
   * The highest sequence number up to which this store holds every event of {@code
   * persistenceId} without a gap (counting deleted events as held): what a replica can serve to a
   * new owner. Lower than {@link #highestSequenceNr} while a replica that missed writes is being
   * caught up. Reads keys only, no values.
   */
  public long contiguousSequenceNr(String persistenceId) {
    StoreKeys.requirePersistenceId(persistenceId);
    return reading(() -> {
      byte[] pidKey = StoreKeys.pidKey(persistenceId);
      SequenceState state = readSequenceState(persistenceId, pidKey);
      long expected = state.deletedTo() + 1;
      if (expected > state.highest()) {
        return state.highest();
      }
      byte[] lower = StoreKeys.sequenceKey(pidKey, expected);
      try (Slice lowerSlice = new Slice(lower);
           Slice upperSlice = new Slice(StoreKeys.upperBound(pidKey, state.highest()));
           ReadOptions options = new ReadOptions()
               .setIterateLowerBound(lowerSlice)
               .setIterateUpperBound(upperSlice);
           RocksIterator it = db.newIterator(columns.events(), options)) {
        for (it.seek(lower); it.isValid(); it.next()) {
          if (StoreKeys.sequenceNr(it.key()) != expected) {
            break;
          }
          expected++;
        }
        it.status();
      }
      return expected - 1;
    });
  }

  /**
   * The stored events of {@code persistenceId} in {@code [fromSequenceNr, toSequenceNr]}, in
   * ascending order, at most {@code max}, skipping deleted events. See {@link #replay}.
   */
  public List<EventRecord> read(
      String persistenceId, long fromSequenceNr, long toSequenceNr, long max) {
    List<EventRecord> events = new ArrayList<>();
    replay(persistenceId, fromSequenceNr, toSequenceNr, max, events::add);
    return events;
  }

  /**
   * The highest sequence number ever appended for {@code persistenceId}, 0 if none; deleting
   * events does not lower it.
   */
  public long highestSequenceNr(String persistenceId) {
    StoreKeys.requirePersistenceId(persistenceId);
    return reading(() -> readSequenceState(persistenceId, StoreKeys.pidKey(persistenceId))
        .highest());
  }

  /**
   * The sequence number up to which the events of {@code persistenceId} are deleted, 0 if none.
   */
  public long deletedToSequenceNr(String persistenceId) {
    StoreKeys.requirePersistenceId(persistenceId);
    return reading(() -> readSequenceState(persistenceId, StoreKeys.pidKey(persistenceId))
        .deletedTo());
  }

  /**
   * Deletes the events of {@code persistenceId} up to {@code toSequenceNr} inclusive, clamped to
   * the highest sequence number: events appended later with higher numbers stay visible. Reads
   * stop returning them as soon as the stage completes; the highest sequence number is kept.
   * Deleting less than is already deleted does nothing.
   *
   * @return a stage completed when the deletion is durable
   */
  public CompletionStage<Void> deleteTo(String persistenceId, long toSequenceNr) {
    StoreKeys.requirePersistenceId(persistenceId);
    byte[] pidKey = StoreKeys.pidKey(persistenceId);
    return writer.submit(group -> {
      SequenceState state = group.sequenceState(persistenceId, pidKey);
      long target = Math.min(toSequenceNr, state.highest());
      if (target > state.deletedTo()) {
        // From 0, so that events written below an earlier deletion point go too.
        group.batch.deleteRange(columns.events(), StoreKeys.sequenceKey(pidKey, 0),
            StoreKeys.upperBound(pidKey, target));
        group.putSequenceState(persistenceId, pidKey,
            new SequenceState(state.highest(), target));
      }
      return null;
    }, 0, 0, false);
  }

  // ------------------------------------------------------------------------------- snapshots

  /**
   * Saves a snapshot durably, replacing any snapshot of the same persistence id and sequence
   * number.
   *
   * @return a stage completed when the snapshot is durable
   */
  public CompletionStage<Void> saveSnapshot(SnapshotRecord snapshot) {
    Objects.requireNonNull(snapshot, "snapshot");
    byte[] key = StoreKeys.sequenceKey(snapshot.persistenceId(), snapshot.sequenceNr());
    byte[] value = RecordFrame.encode(ByteBuffer.allocate(8 + snapshot.payload().length)
        .putLong(snapshot.timestamp()).put(snapshot.payload()).array());
    return writer.submit(group -> {
      group.batch.put(columns.snapshots(), key, value);
      return null;
    }, 0, snapshot.payload().length, false);
  }

  /**
   * The snapshot of {@code persistenceId} with the highest sequence number among those that
   * {@code criteria} selects, if any.
   *
   * @throws CorruptRecordException if a snapshot met while searching (one with a sequence number
   *     in the criteria's range, newer than the result) fails its integrity check
   */
  public Optional<SnapshotRecord> loadSnapshot(String persistenceId, SnapshotCriteria criteria) {
    StoreKeys.requirePersistenceId(persistenceId);
    Objects.requireNonNull(criteria, "criteria");
    if (criteria.selectsNothing()) {
      return Optional.empty();
    }
    return reading(() -> {
      List<SnapshotRecord> found = new ArrayList<>(1);
      scanSnapshots(persistenceId, criteria, true, snapshot -> {
        found.add(snapshot);
        return false;
      });
      return found.isEmpty() ? Optional.<SnapshotRecord>empty() : Optional.of(found.get(0));
    });
  }

  /**
   * Deletes the snapshot of {@code persistenceId} with {@code sequenceNr}, if there is one.
   *
   * @return a stage completed when the deletion is durable
   */
  public CompletionStage<Void> deleteSnapshot(String persistenceId, long sequenceNr) {
    byte[] key = StoreKeys.sequenceKey(persistenceId, sequenceNr);
    StoreKeys.requirePersistenceId(persistenceId);
    return writer.submit(group -> {
      group.batch.delete(columns.snapshots(), key);
      return null;
    }, 0, 0, false);
  }

  /**
   * Deletes every snapshot of {@code persistenceId} that {@code criteria} selects, including
   * those saved by writes submitted before this call.
   *
   * @return a stage completed with the number of deleted snapshots when the deletion is durable
   */
  public CompletionStage<Integer> deleteSnapshots(
      String persistenceId, SnapshotCriteria criteria) {
    StoreKeys.requirePersistenceId(persistenceId);
    Objects.requireNonNull(criteria, "criteria");
    if (criteria.selectsNothing()) {
      return CompletableFuture.completedFuture(0);
    }
    // A barrier: the scan reads the database, so it must not share a group with earlier writes.
    return writer.submit(group -> {
      List<byte[]> keys = new ArrayList<>();
      scanSnapshots(persistenceId, criteria, false, snapshot -> {
        keys.add(StoreKeys.sequenceKey(persistenceId, snapshot.sequenceNr()));
        return true;
      });
      for (byte[] key : keys) {
        group.batch.delete(columns.snapshots(), key);
      }
      return keys.size();
    }, 0, 0, true);
  }

  private static final class PidHighest {
    final byte[] key;
    long highest;

    PidHighest(byte[] key) {
      this.key = key;
    }
  }

  private interface SnapshotVisitor {
    /** Returns whether to go on. */
    boolean visit(SnapshotRecord snapshot);
  }

  private void scanSnapshots(String persistenceId, SnapshotCriteria criteria, boolean newestFirst,
      SnapshotVisitor visitor) throws RocksDBException {
    byte[] pidKey = StoreKeys.pidKey(persistenceId);
    byte[] lower = StoreKeys.sequenceKey(pidKey, Math.max(0, criteria.minSequenceNr()));
    try (Slice lowerSlice = new Slice(lower);
         Slice upperSlice = new Slice(StoreKeys.upperBound(pidKey, criteria.maxSequenceNr()));
         ReadOptions options = new ReadOptions()
             .setIterateLowerBound(lowerSlice)
             .setIterateUpperBound(upperSlice);
         RocksIterator it = db.newIterator(columns.snapshots(), options)) {
      if (newestFirst) {
        it.seekToLast();
      } else {
        it.seekToFirst();
      }
      while (it.isValid()) {
        long sequenceNr = StoreKeys.sequenceNr(it.key());
        byte[] payload = RecordFrame.decode(
            it.value(), directory, Kind.SNAPSHOT, persistenceId, sequenceNr);
        if (payload.length < 8) {
          throw new CorruptRecordException(directory, Kind.SNAPSHOT, persistenceId, sequenceNr,
              "payload of " + payload.length + " bytes has no timestamp");
        }
        long timestamp = ByteBuffer.wrap(payload).getLong();
        if (criteria.matches(sequenceNr, timestamp)) {
          SnapshotRecord snapshot = new SnapshotRecord(persistenceId, sequenceNr, timestamp,
              Arrays.copyOfRange(payload, 8, payload.length));
          if (!visitor.visit(snapshot)) {
            return;
          }
        }
        if (newestFirst) {
          it.prev();
        } else {
          it.next();
        }
      }
      it.status();
    }
  }

  // ---------------------------------------------------------------------------------- epochs

  /** The fencing epoch stored for {@code persistenceId}, 0 if none was ever raised. */
  public long epoch(String persistenceId) {
    StoreKeys.requirePersistenceId(persistenceId);
    return reading(() -> readEpoch(persistenceId, StoreKeys.pidKey(persistenceId)));
  }

  /**
   * Raises the fencing epoch of {@code persistenceId} to {@code epoch}, durably. Epochs never
   * fall: raising to a lower or equal value changes nothing.
   *
   * @return a stage completed, once durable, with the epoch now in force: {@code epoch} if it
   *     was raised, else the higher one already stored
   * @throws IllegalArgumentException (at once) if {@code epoch} is negative
   */
  public CompletionStage<Long> raiseEpoch(String persistenceId, long epoch) {
    StoreKeys.requirePersistenceId(persistenceId);
    if (epoch < 0) {
      throw new IllegalArgumentException(
          "epoch of " + persistenceId + " is " + epoch + ": it must be at least 0");
    }
    byte[] pidKey = StoreKeys.pidKey(persistenceId);
    return writer.submit(group -> {
      long current = group.epoch(persistenceId, pidKey);
      if (epoch > current) {
        group.putEpoch(persistenceId, pidKey, epoch, false);
        return epoch;
      }
      return current;
    }, 0, 0, false);
  }

  /**
   * Raises the fencing epoch of {@code persistenceId} to {@code epoch} if it is higher than the
   * stored one, and records whether this node is now its owner; one atomic, durable step.
   *
   * @param ownedHere true when this node raises the epoch to own the entity, false when another
   *     node's raise is stored here (this node is then only a replica)
   * @return a stage completed, once durable, with the epoch held <em>before</em>: the raise took
   *     effect exactly when that is lower than {@code epoch}
   */
  public CompletionStage<Long> swapEpochIfHigher(
      String persistenceId, long epoch, boolean ownedHere) {
    StoreKeys.requirePersistenceId(persistenceId);
    if (epoch < 1) {
      throw new IllegalArgumentException(
          "epoch of " + persistenceId + " is " + epoch + ": an owner's epoch is at least 1");
    }
    byte[] pidKey = StoreKeys.pidKey(persistenceId);
    return writer.submit(group -> {
      long previous = group.epoch(persistenceId, pidKey);
      if (epoch > previous) {
        group.putEpoch(persistenceId, pidKey, epoch, ownedHere);
      }
      return previous;
    }, 0, 0, false);
  }

  /**
   * Appends records as {@link #append} does, but only if each record's persistence id has no
   * newer epoch here than the one it was written under: the fencing check and the write are one
   * atomic step of the writer, so a raise cannot slip in between.
   *
   * @param epochs the writer's epoch for every persistence id among the records
   * @return a stage completed when durable, or failed with {@link FencedWriteException} (nothing
   *     stored) if a newer owner's epoch is stored here
   */
  public CompletionStage<Void> appendFenced(List<EventRecord> records, Map<String, Long> epochs) {
    Map<String, Long> checked = new LinkedHashMap<>();
    for (EventRecord record : records) {
      Long epoch = epochs.get(record.persistenceId());
      if (epoch == null) {
        throw new IllegalArgumentException("no epoch given for " + record.persistenceId()
            + ": a fenced append needs the writer's epoch for every persistence id");
      }
      checked.put(record.persistenceId(), epoch);
    }
    return appendAfter(records, group -> {
      for (Map.Entry<String, Long> entry : checked.entrySet()) {
        long current = group.epoch(entry.getKey(), StoreKeys.pidKey(entry.getKey()));
        if (current > entry.getValue()) {
          throw new FencedWriteException(entry.getKey(), entry.getValue(), current);
        }
      }
    });
  }

  /** The persistence ids whose current epoch this node raised itself: the entities it owns. */
  public List<String> ownedPersistenceIds() {
    return reading(() -> {
      List<String> owned = new ArrayList<>();
      try (RocksIterator it = db.newIterator(columns.epochs())) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          String pid = StoreKeys.persistenceId(it.key());
          long[] fields = RecordFrame.decodeLongs(it.value(), 2, directory, Kind.EPOCH, pid);
          if (fields[1] == 1) {
            owned.add(pid);
          }
        }
        it.status();
      }
      return owned;
    });
  }

  // --------------------------------------------------------------------------- the rest

  /** Counters of the group-commit writer since the store was opened. */
  public CommitStats stats() {
    return writer.stats();
  }

  /**
   * Commits the writes submitted before this call, waits for running reads, and closes the
   * database, releasing the directory lock. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      writer.stop();
      lifecycle.writeLock().lock();
      try {
        closed = true;
        for (ColumnFamilyHandle handle : handles) {
          handle.close();
        }
        db.close();
        writeOptions.close();
        cfOptions.close();
        dbOptions.close();
      } finally {
        lifecycle.writeLock().unlock();
      }
    }
  }

  @Override
  public String toString() {
    return "JournalStore[" + directory + (closed ? ", closed]" : "]");
  }

  // ----------------------------------------------------------------------------- internals

  @FunctionalInterface
  private interface Read<T> {
    T run() throws RocksDBException;
  }

  private <T> T reading(Read<T> read) {
    lifecycle.readLock().lock();
    try {
      if (closed) {
        throw new JournalStoreException("the journal store in " + directory
            + " is closed: open it again to read");
      }
      return read.run();
    } catch (RocksDBException e) {
      throw new JournalStoreException(
          "reading the journal store in " + directory + " failed: " + e.getMessage(), e);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  private SequenceState readSequenceState(String persistenceId, byte[] pidKey)
      throws RocksDBException {
    byte[] value = db.get(columns.sequences(), pidKey);
    if (value == null) {
      return SequenceState.EMPTY;
    }
    long[] fields =
        RecordFrame.decodeLongs(value, 2, directory, Kind.SEQUENCE_STATE, persistenceId);
    return new SequenceState(fields[0], fields[1]);
  }

  private long readEpoch(String persistenceId, byte[] pidKey) throws RocksDBException {
    byte[] value = db.get(columns.epochs(), pidKey);
    return value == null
        ? 0L
        : RecordFrame.decodeLongs(value, 2, directory, Kind.EPOCH, persistenceId)[0];
  }
}
