package io.baton.journal;

import com.typesafe.config.Config;
import io.baton.journal.replication.FencedException;
import io.baton.journal.replication.JournalReplication;
import io.baton.journal.replication.ReplicationException;
import io.baton.journal.replication.ReplicationMode;
import io.baton.journal.store.CorruptRecordException;
import io.baton.journal.store.EventRecord;
import io.baton.journal.store.FencedWriteException;
import io.baton.journal.store.JournalStore;
import io.baton.journal.store.JournalStoreRegistry;
import io.baton.journal.store.PluginSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.journal.japi.AsyncWriteJournal;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.ExecutionContextExecutor;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Baton's journal plugin: Pekko Persistence events in the node-local {@link JournalStore}.
 * Configure it as {@code pekko.persistence.journal.plugin = "baton.journal"}.
 *
 * <h2>What it guarantees (Pekko's journal contract)</h2>
 * <ul>
 *   <li>Each {@link AtomicWrite} is stored atomically; in fact every call's accepted writes go
 *       into one store append, a single durable batch, and the call succeeds only once it is
 *       synced.
 *   <li>An {@code AtomicWrite} whose events cannot be serialized is <em>rejected</em>: it is not
 *       stored, and its slot in the result carries the serialization exception, while the other
 *       writes of the call are stored. A storage failure fails the whole call.
 *   <li>Replay returns the events in {@code [from, to]}, at most {@code max}, in order, without
 *       deleted ones; an event that fails its checksum fails the replay with
 *       {@link io.baton.journal.store.CorruptRecordException}.
 *   <li>The highest sequence number survives {@code deleteMessagesTo}.
 * </ul>
 *
 * <h2>Threads</h2>
 * Serialization runs in the plugin actor; writes are handed to the store's group-commit writer
 * (the actor never blocks on them); replays and highest-sequence-number reads block a thread of
 * the {@code read-dispatcher}. The store is shared with the snapshot-store plugin through
 * {@link JournalStoreRegistry} and released when this actor stops.
 */
public final class BatonJournal extends AsyncWriteJournal {

  private static final Logger LOG = LoggerFactory.getLogger(BatonJournal.class);

  private final JournalStoreRegistry.Lease lease;
  private final JournalStore store;
  private final JournalReplication replication;
  /** The epoch this node writes each entity under; set when it takes ownership. */
  private final Map<String, Long> owned = new ConcurrentHashMap<>();
  /** Entities a replica refused to this node: it is no longer their owner. */
  private final Map<String, Long> fenced = new ConcurrentHashMap<>();
  private final Serialization serialization;
  private final ExecutionContextExecutor reads;
  private final io.baton.limits.Limits limits;

  /** Called by Pekko Persistence with the plugin's configuration block and its path. */
  public BatonJournal(Config config, String configPath) {
    PluginSettings settings = PluginSettings.fromConfig(config, configPath);
    this.serialization = SerializationExtension.get(context().system());
    this.reads = context().system().dispatchers().lookup(settings.readDispatcher());
    this.lease = JournalStoreRegistry.acquire(settings.store());
    this.store = lease.store();
    this.replication = JournalReplication.get(context().system());
    this.limits = io.baton.limits.Limits.fromConfig(context().system().settings().config());
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
  public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(
      Iterable<AtomicWrite> messages) {
    List<Optional<Exception>> results = new ArrayList<>();
    List<EventRecord> records = new ArrayList<>();
    for (AtomicWrite write : messages) {
      List<PersistentRepr> events = CollectionConverters.asJava(write.payload());
      List<EventRecord> serialized = new ArrayList<>(events.size());
      try {
        for (PersistentRepr event : events) {
          byte[] bytes = serialization.serialize(event).get();
          limits.checkEventSize(bytes.length, "event " + event.persistenceId() + "#"
              + event.sequenceNr() + " (" + event.payload().getClass().getName() + ")");
          serialized.add(new EventRecord(event.persistenceId(), event.sequenceNr(), bytes));
        }
        checkFitsOneMessage(serialized);
        records.addAll(serialized);
        results.add(Optional.empty());
      } catch (Exception e) { // Try.get rethrows the serializer's exception: a rejection
        LOG.warn("refused a write of {} events of {}: {}", events.size(),
            events.isEmpty() ? "?" : events.get(0).persistenceId(), e.getMessage());
        results.add(Optional.of(e));
      }
    }
    Iterable<Optional<Exception>> outcome = results;
    if (records.isEmpty()) {
      return ScalaFutures.unwrapped(CompletableFuture.completedFuture(outcome));
    }
    CompletionStage<Iterable<Optional<Exception>>> stored = replication.integrity()
        .thenCompose(intact -> epochsFor(records)).thenCompose(epochs -> write(records, epochs)).thenApply(done -> outcome);
    return ScalaFutures.unwrapped(stored);
  }

  /**
   * An atomic write goes to a replica as one message (its entity's part of a batch): refused here,
   * before it is stored, if that message could not cross the transport.
   */
  private void checkFitsOneMessage(List<EventRecord> write) {
    long bytes = JournalReplication.estimatedSize(write);
    if (bytes > replication.maxMessageBytes()) {
      throw new io.baton.limits.LimitExceededException(JournalReplication.FRAME_SIZE,
          "an atomic write of " + write.size() + " events of " + write.get(0).persistenceId()
              + " is about " + bytes + " bytes, more than one replication message carries ("
              + replication.maxMessageBytes() + " bytes, below " + JournalReplication.FRAME_SIZE
              + "): it is refused, not stored. Persist fewer or smaller events at once");
    }
  }

  /** The epoch this node writes each persistence id under, taking ownership where needed. */
  private CompletionStage<Map<String, Long>> epochsFor(List<EventRecord> records) {
    Map<String, Long> epochs = new HashMap<>();
    CompletionStage<Void> acquired = CompletableFuture.completedFuture(null);
    for (EventRecord record : records) {
      String pid = record.persistenceId();
      if (epochs.containsKey(pid)) {
        continue;
      }
      Long fencedAt = fenced.get(pid);
      if (fencedAt != null) {
        return CompletableFuture.failedFuture(new FencedException(pid, fencedAt, fencedAt + 1,
            "an earlier asynchronous replication"));
      }
      Long epoch = owned.get(pid);
      if (epoch != null) {
        epochs.put(pid, epoch);
      } else {
        epochs.put(pid, 0L);
        acquired = acquired.thenCompose(done -> acquire(pid))
            .thenAccept(newEpoch -> epochs.put(pid, newEpoch));
      }
    }
    return acquired.thenApply(done -> epochs);
  }

  private CompletionStage<Long> acquire(String persistenceId) {
    return replication.acquire(persistenceId).thenApply(epoch -> {
      owned.put(persistenceId, epoch);
      fenced.remove(persistenceId);
      return epoch;
    });
  }

  /**
   * Stores locally (fenced) and on the replicas. In sync mode the write is acknowledged when both
   * are done; in async mode when the local write is, the replicas following.
   */
  private CompletionStage<Void> write(List<EventRecord> records, Map<String, Long> epochs) {
    CompletionStage<Void> local = store.appendFenced(records, epochs)
        .exceptionally(failure -> {
          throw fencedOrRethrow(failure, epochs);
        });
    CompletionStage<Void> replicas = replication.replicate(records, epochs)
        .exceptionally(failure -> {
          throw fencedOrRethrow(failure, epochs);
        });
    if (replication.settings().mode() == ReplicationMode.ASYNC
        && replication.replicationLag() <= replication.settings().maxAsyncLag()) {
      replicas.whenComplete((done, failure) -> {
        if (failure != null) {
          LOG.warn("asynchronous replication of {} events failed: {}", records.size(),
              failure.getMessage());
        }
      });
      return local;
    }
    return local.thenCombine(replicas, (a, b) -> null);
  }

  /** Unwraps a failure; a fencing refusal also ends this node's ownership of the entity. */
  private RuntimeException fencedOrRethrow(Throwable failure, Map<String, Long> epochs) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (cause instanceof FencedWriteException refused) {
      forget(refused.persistenceId(), refused.sentEpoch());
      return new FencedException(refused.persistenceId(), refused.sentEpoch(),
          refused.currentEpoch(), replication.self());
    }
    if (cause instanceof FencedException) {
      for (Map.Entry<String, Long> entry : epochs.entrySet()) {
        forget(entry.getKey(), entry.getValue());
      }
    }
    return cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
  }

  private void forget(String persistenceId, long epoch) {
    owned.remove(persistenceId, epoch);
    fenced.put(persistenceId, epoch);
  }

  @Override
  public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
    return ScalaFutures.unwrapped(store.deleteTo(persistenceId, toSequenceNr)
        .thenCompose(done -> replication.replicateDelete(persistenceId, toSequenceNr)));
  }

  /**
   * Replays from the local store. A record that fails its integrity check is not served: the
   * range from it on is copied again from a replica that holds it, and the replay resumes.
   */
  @Override
  public Future<Void> doAsyncReplayMessages(String persistenceId, long fromSequenceNr,
      long toSequenceNr, long max, Consumer<PersistentRepr> replayCallback) {
    return ScalaFutures.unwrapped(replay(persistenceId, fromSequenceNr, toSequenceNr, max,
        replayCallback, true));
  }

  private CompletionStage<Void> replay(String persistenceId, long from, long to, long max,
      Consumer<PersistentRepr> replayCallback, boolean repairAllowed) {
    long[] next = {from};
    long[] left = {max};
    CompletableFuture<Void> done = new CompletableFuture<>();
    reads.execute(() -> {
      try {
        store.replay(persistenceId, from, to, max, record -> {
          replayCallback.accept(deserialize(record));
          next[0] = record.sequenceNr() + 1;
          left[0]--;
        });
        done.complete(null);
      } catch (CorruptRecordException corrupt) {
        done.completeExceptionally(corrupt);
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    });
    return done.handle((ok, failure) -> failure).thenCompose(failure -> {
      if (failure == null) {
        return CompletableFuture.completedFuture((Void) null);
      }
      if (!(failure instanceof CorruptRecordException corrupt) || !repairAllowed
          || replication.replicaTargets().isEmpty()) {
        return CompletableFuture.<Void>failedFuture(failure);
      }
      LOG.warn("{}; repairing {} from {} on from its replicas", corrupt.getMessage(),
          persistenceId, corrupt.sequenceNr());
      return repair(persistenceId, corrupt.sequenceNr())
          .thenCompose(repaired -> replay(persistenceId, next[0], to, left[0], replayCallback,
              false));
    });
  }

  /** Copies {@code persistenceId} from {@code from} on again from the first replica that has it. */
  private CompletionStage<Void> repair(String persistenceId, long from) {
    long epoch = owned.getOrDefault(persistenceId, store.epoch(persistenceId));
    long to = store.highestSequenceNr(persistenceId);
    CompletionStage<Void> attempt = CompletableFuture.failedFuture(
        new ReplicationException("no replica could repair " + persistenceId));
    for (var replica : replication.replicaTargets()) {
      attempt = attempt.exceptionallyCompose(previous ->
          replication.copyRange(replica.toString(), persistenceId, from, to, epoch));
    }
    return attempt;
  }

  /**
   * Called by Pekko at the start of every recovery: this node takes ownership of the entity
   * (fences older owners, tops its copy up from the replicas), then answers from its store.
   */
  @Override
  public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
    // A store opened from a damaged log serves nothing before it is repaired (StoreRepair).
    return ScalaFutures.unwrapped(replication.integrity()
        .thenCompose(intact -> acquire(persistenceId))
        .thenApply(epoch -> store.highestSequenceNr(persistenceId)));
  }

  private PersistentRepr deserialize(EventRecord record) {
    try {
      return serialization.deserialize(record.payload(), PersistentRepr.class).get();
    } catch (Exception e) {
      throw new IllegalStateException("event " + record.persistenceId() + "#"
          + record.sequenceNr() + " in " + store.directory() + " cannot be deserialized: " + e
          + ". Is the serializer of its payload type configured on this node?", e);
    }
  }
}
