package io.baton.journal.store;

import java.util.HashMap;
import java.util.Map;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * One group commit under construction: the {@link WriteBatch} that will be written with one
 * sync, and a view of the per-persistence-id state (sequence numbers, epochs) that includes what
 * earlier requests of the same group changed, so a read-modify-write staged late in the group
 * sees the effects of those staged earlier.
 *
 * <h2>Ownership</h2>
 * Confined to the writer thread. Each request is staged between {@link #begin()} and either
 * {@link #accept()} (its changes join the group) or {@link #reject()} (the batch rolls back to
 * the save point taken at {@code begin}, and its pending state is dropped), so one failed request
 * never leaks a half-staged change into its neighbours' batch.
 */
final class CommitGroup implements AutoCloseable {

  /** Reads committed state from the database (the writer thread is its only mutator). */
  interface StateReader {
    SequenceState sequenceState(String persistenceId, byte[] pidKey) throws RocksDBException;

    long epoch(String persistenceId, byte[] pidKey) throws RocksDBException;
  }

  /** The column families a request writes to. */
  record Columns(
      ColumnFamilyHandle events,
      ColumnFamilyHandle snapshots,
      ColumnFamilyHandle sequences,
      ColumnFamilyHandle epochs) {}

  final WriteBatch batch = new WriteBatch();
  final Columns columns;
  private final StateReader reader;
  private final Map<String, SequenceState> sequences = new HashMap<>();
  private final Map<String, SequenceState> pendingSequences = new HashMap<>();
  private final Map<String, Long> epochs = new HashMap<>();
  private final Map<String, Long> pendingEpochs = new HashMap<>();

  CommitGroup(Columns columns, StateReader reader) {
    this.columns = columns;
    this.reader = reader;
  }

  SequenceState sequenceState(String persistenceId, byte[] pidKey) throws RocksDBException {
    SequenceState state = pendingSequences.get(persistenceId);
    if (state == null) {
      state = sequences.get(persistenceId);
    }
    return state != null ? state : reader.sequenceState(persistenceId, pidKey);
  }

  void putSequenceState(String persistenceId, byte[] pidKey, SequenceState state)
      throws RocksDBException {
    batch.put(columns.sequences(), pidKey,
        RecordFrame.encodeLongs(state.highest(), state.deletedTo()));
    pendingSequences.put(persistenceId, state);
  }

  long epoch(String persistenceId, byte[] pidKey) throws RocksDBException {
    Long epoch = pendingEpochs.get(persistenceId);
    if (epoch == null) {
      epoch = epochs.get(persistenceId);
    }
    return epoch != null ? epoch : reader.epoch(persistenceId, pidKey);
  }

  /**
   * Stores the epoch of {@code persistenceId}, and whether this node owns it (it raised the epoch
   * itself) or a node elsewhere does.
   */
  void putEpoch(String persistenceId, byte[] pidKey, long epoch, boolean ownedHere)
      throws RocksDBException {
    batch.put(columns.epochs(), pidKey, RecordFrame.encodeLongs(epoch, ownedHere ? 1 : 0));
    pendingEpochs.put(persistenceId, epoch);
  }

  void begin() throws RocksDBException {
    batch.setSavePoint();
  }

  void accept() throws RocksDBException {
    batch.popSavePoint();
    sequences.putAll(pendingSequences);
    epochs.putAll(pendingEpochs);
    pendingSequences.clear();
    pendingEpochs.clear();
  }

  void reject() throws RocksDBException {
    batch.rollbackToSavePoint();
    pendingSequences.clear();
    pendingEpochs.clear();
  }

  @Override
  public void close() {
    batch.close();
  }
}
