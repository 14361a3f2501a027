package io.baton.journal;

import com.typesafe.config.Config;
import io.baton.journal.replication.JournalReplication;
import io.baton.journal.replication.ReplicationMode;
import io.baton.journal.store.JournalStore;
import io.baton.journal.store.JournalStoreRegistry;
import io.baton.journal.store.PluginSettings;
import io.baton.journal.store.SnapshotCriteria;
import io.baton.journal.store.SnapshotRecord;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.dispatch.Futures;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.snapshot.japi.SnapshotStore;
import org.apache.pekko.serialization.SerializationExtension;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;

/**
 * Baton's snapshot-store plugin: Pekko Persistence snapshots in the node-local
 * {@link JournalStore}, next to the events. Configure it as
 * {@code pekko.persistence.snapshot-store.plugin = "baton.snapshot-store"}.
 *
 * <h2>What it guarantees (Pekko's snapshot-store contract)</h2>
 * <ul>
 *   <li>A save completes once the snapshot is durable; a second save with the same persistence
 *       id and sequence number replaces the first.
 *   <li>A load returns the snapshot with the highest sequence number that the criteria select
 *       (sequence number and timestamp bounds), or none; a snapshot failing its checksum on the
 *       way fails the load with {@link io.baton.journal.store.CorruptRecordException}.
 *   <li>Deleting one snapshot matches it by sequence number, and by timestamp too unless the
 *       given timestamp is 0; deleting by criteria removes every selected snapshot.
 *   <li>Snapshot metadata ({@code SnapshotMetadata.metadata}) is stored and loaded with it.
 * </ul>
 *
 * <p>Loads block a thread of the {@code read-dispatcher}; saves and deletes go to the store's
 * group-commit writer. The store is shared with the journal plugin and released when this actor
 * stops.
 */
public final class BatonSnapshotStore extends SnapshotStore {

  private final JournalStoreRegistry.Lease lease;
  private final JournalStore store;
  private final JournalReplication replication;
  private final SnapshotCodec codec;
  private final ExecutionContext reads;

  /** Called by Pekko Persistence with the plugin's configuration block and its path. */
  public BatonSnapshotStore(Config config, String configPath) {
    PluginSettings settings = PluginSettings.forSnapshotStore(config, configPath,
        context().system().settings().config());
    this.codec = new SnapshotCodec(SerializationExtension.get(context().system()));
    this.reads = context().system().dispatchers().lookup(settings.readDispatcher());
    this.lease = JournalStoreRegistry.acquire(settings.store());
    this.store = lease.store();
    this.replication = JournalReplication.get(context().system());
  }

  @Override
  public void postStop() throws Exception {
    try {
      lease.close();
    } finally {
      super.postStop();
    }
  }

  @Override
  public Future<Optional<SelectedSnapshot>> doLoadAsync(
      String persistenceId, SnapshotSelectionCriteria criteria) {
    return Futures.future(() -> {
      Optional<SnapshotRecord> found = store.loadSnapshot(persistenceId, toStore(criteria));
      return found.isEmpty() ? Optional.<SelectedSnapshot>empty() : Optional.of(select(found.get()));
    }, reads);
  }

  @Override
  public Future<Void> doSaveAsync(SnapshotMetadata metadata, Object snapshot) {
    byte[] bytes;
    try {
      bytes = codec.encode(snapshot, metadata.metadata());
    } catch (Exception e) {
      return Futures.failed(e);
    }
    SnapshotRecord record = new SnapshotRecord(
        metadata.persistenceId(), metadata.sequenceNr(), metadata.timestamp(), bytes);
    return replicated(store.saveSnapshot(record), () -> replication.replicateSnapshot(record));
  }

  @Override
  public Future<Void> doDeleteAsync(SnapshotMetadata metadata) {
    if (metadata.timestamp() == 0L) {
      SnapshotCriteria anyTime = new SnapshotCriteria(metadata.sequenceNr(), Long.MAX_VALUE,
          metadata.sequenceNr(), 0L);
      return replicated(store.deleteSnapshot(metadata.persistenceId(), metadata.sequenceNr()),
          () -> replication.replicateSnapshotDeletion(metadata.persistenceId(), anyTime));
    }
    SnapshotCriteria exactly = new SnapshotCriteria(metadata.sequenceNr(), metadata.timestamp(),
        metadata.sequenceNr(), metadata.timestamp());
    return replicated(store.deleteSnapshots(metadata.persistenceId(), exactly)
            .thenApply(deleted -> (Void) null),
        () -> replication.replicateSnapshotDeletion(metadata.persistenceId(), exactly));
  }

  @Override
  public Future<Void> doDeleteAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
    SnapshotCriteria matching = toStore(criteria);
    return replicated(store.deleteSnapshots(persistenceId, matching)
            .thenApply(deleted -> (Void) null),
        () -> replication.replicateSnapshotDeletion(persistenceId, matching));
  }

  /**
   * The local change, then the same on the replicas: in sync mode the future completes when both
   * are done; in async mode when the local one is.
   */
  private Future<Void> replicated(CompletionStage<Void> local,
      java.util.function.Supplier<CompletionStage<Void>> onReplicas) {
    CompletionStage<Void> both = local.thenCompose(done -> {
      CompletionStage<Void> replicas = onReplicas.get();
      return replication.settings().mode() == ReplicationMode.ASYNC
          ? CompletableFuture.completedFuture(null) : replicas;
    });
    return ScalaFutures.unwrapped(both);
  }

  private SelectedSnapshot select(SnapshotRecord record) throws Exception {
    SnapshotCodec.Decoded decoded;
    try {
      decoded = codec.decode(record.payload());
    } catch (Exception e) {
      throw new IllegalStateException("snapshot " + record.persistenceId() + "#"
          + record.sequenceNr() + " in " + store.directory() + " cannot be deserialized: " + e
          + ". Is the serializer of its type configured on this node?", e);
    }
    SnapshotMetadata metadata = new SnapshotMetadata(
        record.persistenceId(), record.sequenceNr(), record.timestamp());
    if (decoded.metadata().isPresent()) {
      metadata = metadata.withMetadata(decoded.metadata().get());
    }
    return SelectedSnapshot.create(metadata, decoded.snapshot());
  }

  private static SnapshotCriteria toStore(SnapshotSelectionCriteria criteria) {
    return new SnapshotCriteria(criteria.maxSequenceNr(), criteria.maxTimestamp(),
        criteria.minSequenceNr(), criteria.minTimestamp());
  }
}
