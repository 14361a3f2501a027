package io.baton.journal;

import com.typesafe.config.Config;
import io.baton.journal.store.EventRecord;
import io.baton.journal.store.JournalStore;
import io.baton.journal.store.JournalStoreRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.dispatch.Futures;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.journal.japi.AsyncWriteJournal;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.jdk.javaapi.FutureConverters;

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

  private final JournalStoreRegistry.Lease lease;
  private final JournalStore store;
  private final Serialization serialization;
  private final ExecutionContext reads;

  /** Called by Pekko Persistence with the plugin's configuration block and its path. */
  public BatonJournal(Config config, String configPath) {
    PluginSettings settings = PluginSettings.fromConfig(config, configPath);
    this.serialization = SerializationExtension.get(context().system());
    this.reads = context().system().dispatchers().lookup(settings.readDispatcher());
    this.lease = JournalStoreRegistry.acquire(settings.store());
    this.store = lease.store();
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
          serialized.add(new EventRecord(event.persistenceId(), event.sequenceNr(),
              serialization.serialize(event).get()));
        }
        records.addAll(serialized);
        results.add(Optional.empty());
      } catch (Exception e) { // Try.get rethrows the serializer's exception: a rejection
        results.add(Optional.of(e));
      }
    }
    Iterable<Optional<Exception>> outcome = results;
    CompletionStage<Iterable<Optional<Exception>>> stored =
        store.append(records).thenApply(done -> outcome);
    return FutureConverters.asScala(stored);
  }

  @Override
  public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
    return FutureConverters.asScala(store.deleteTo(persistenceId, toSequenceNr));
  }

  @Override
  public Future<Void> doAsyncReplayMessages(String persistenceId, long fromSequenceNr,
      long toSequenceNr, long max, Consumer<PersistentRepr> replayCallback) {
    return Futures.future(() -> {
      store.replay(persistenceId, fromSequenceNr, toSequenceNr, max,
          record -> replayCallback.accept(deserialize(record)));
      return null;
    }, reads);
  }

  @Override
  public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
    return Futures.future(() -> store.highestSequenceNr(persistenceId), reads);
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
