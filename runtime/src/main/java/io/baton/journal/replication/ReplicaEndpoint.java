package io.baton.journal.replication;

import io.baton.journal.replication.ReplicationMessage.DeleteTo;
import io.baton.journal.replication.ReplicationMessage.EpochState;
import io.baton.journal.replication.ReplicationMessage.Fenced;
import io.baton.journal.replication.ReplicationMessage.Highest;
import io.baton.journal.replication.ReplicationMessage.QueryEpoch;
import io.baton.journal.replication.ReplicationMessage.QueryHighest;
import io.baton.journal.replication.ReplicationMessage.RaiseEpoch;
import io.baton.journal.replication.ReplicationMessage.RangeReply;
import io.baton.journal.replication.ReplicationMessage.ReadRange;
import io.baton.journal.replication.ReplicationMessage.Replicate;
import io.baton.journal.replication.ReplicationMessage.ReplicaFailed;
import io.baton.journal.replication.ReplicationMessage.Replicated;
import io.baton.journal.store.FencedWriteException;
import io.baton.journal.store.JournalStore;
import io.baton.journal.store.SnapshotCriteria;
import io.baton.journal.store.SnapshotRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The replica side of the journal, one per node, a service of the node's tree at {@code
 * NodeServices.path("journal", NAME)}: it
 * stores what the owners of other entities send it, refuses writers whose epoch is stale, and
 * serves reads for catch-up and repair.
 *
 * <p>Every write goes through the node's {@link JournalStore} and is acknowledged only once
 * durable. The epoch check and the write are one atomic step of the store's writer, so a stale
 * writer can never slip a write in after a newer owner has raised the epoch.
 */
public final class ReplicaEndpoint {

  /** The endpoint's id (and actor name) under the journal's services. */
  public static final String NAME = "baton-journal-replica";

  private ReplicaEndpoint() {}

  /**
   * @param store the node's store
   * @param self this node's address, as it names itself in replies
   * @param maxMessageBytes the most bytes of events one reply carries (a range read answers a
   *     prefix that fits; the reader asks again from where it ends)
   */
  public static Behavior<ReplicationMessage> create(JournalStore store, String self,
      long maxMessageBytes) {
    return Behaviors.setup(
        context -> {
          Executor executor = context.getExecutionContext();
          return Behaviors.receive(ReplicationMessage.class)
              .onMessage(
                  Replicate.class,
                  replicate -> {
                    replicateByEntity(store, self, replicate);
                    return Behaviors.same();
                  })
              .onMessage(
                  RaiseEpoch.class,
                  raise -> {
                    store
                        .swapEpochIfHigher(
                            raise.persistenceId(), raise.epoch(), self.equals(raise.owner()))
                        .thenApplyAsync(
                            previous ->
                                new EpochState(
                                    self,
                                    raise.persistenceId(),
                                    previous,
                                    store.contiguousSequenceNr(raise.persistenceId()),
                                    latestSnapshot(store, raise.persistenceId())),
                            executor)
                        .thenAccept(raise.replyTo()::tell);
                    return Behaviors.same();
                  })
              .onMessage(
                  QueryEpoch.class,
                  query -> {
                    query
                        .replyTo()
                        .tell(
                            new EpochState(
                                self,
                                query.persistenceId(),
                                store.epoch(query.persistenceId()),
                                store.contiguousSequenceNr(query.persistenceId()),
                                latestSnapshot(store, query.persistenceId())));
                    return Behaviors.same();
                  })
              .onMessage(
                  ReadRange.class,
                  read -> {
                    RangeReply reply;
                    try {
                      reply =
                          new RangeReply(
                              self,
                              ReplicaLink.fitting(store.read(read.persistenceId(), read.from(),
                                  read.to(), read.max()), maxMessageBytes),
                              null);
                    } catch (RuntimeException e) {
                      reply = new RangeReply(self, List.of(), e.getMessage());
                    }
                    read.replyTo().tell(reply);
                    return Behaviors.same();
                  })
              .onMessage(
                  DeleteTo.class,
                  delete -> {
                    store
                        .deleteTo(delete.persistenceId(), delete.toSequenceNr())
                        .whenComplete(
                            (done, failure) -> delete.replyTo().tell(replyFor(self, failure)));
                    return Behaviors.same();
                  })
              .onMessage(
                  ReplicationMessage.SaveSnapshot.class,
                  save -> {
                    store
                        .saveSnapshot(save.snapshot())
                        .whenComplete(
                            (done, failure) -> save.replyTo().tell(replyFor(self, failure)));
                    return Behaviors.same();
                  })
              .onMessage(
                  ReplicationMessage.DeleteSnapshots.class,
                  delete -> {
                    store
                        .deleteSnapshots(delete.persistenceId(), delete.criteria())
                        .whenComplete(
                            (done, failure) -> delete.replyTo().tell(replyFor(self, failure)));
                    return Behaviors.same();
                  })
              .onMessage(
                  ReplicationMessage.ReadLatestSnapshot.class,
                  read -> {
                    ReplicationMessage.SnapshotReply reply;
                    try {
                      reply = new ReplicationMessage.SnapshotReply(self, store
                          .loadSnapshot(read.persistenceId(), SnapshotCriteria.latest())
                          .orElse(null), null);
                    } catch (RuntimeException e) {
                      reply = new ReplicationMessage.SnapshotReply(self, null, e.getMessage());
                    }
                    read.replyTo().tell(reply);
                    return Behaviors.same();
                  })
              .onMessage(
                  ReplicationMessage.ListHeld.class,
                  list -> {
                    ReplicationMessage.Held held;
                    try {
                      List<String> ids = store.persistenceIds(list.after(), list.max());
                      List<ReplicationMessage.HeldEntity> entities = new java.util.ArrayList<>();
                      for (String pid : ids) {
                        entities.add(new ReplicationMessage.HeldEntity(pid, store.epoch(pid),
                            store.contiguousSequenceNr(pid)));
                      }
                      held = new ReplicationMessage.Held(self, entities,
                          ids.size() == list.max(), null);
                    } catch (RuntimeException e) {
                      held = new ReplicationMessage.Held(self, List.of(), false,
                          String.valueOf(e.getMessage()));
                    }
                    list.replyTo().tell(held);
                    return Behaviors.same();
                  })
              .onMessage(
                  QueryHighest.class,
                  query -> {
                    Map<String, Long> highest = new LinkedHashMap<>();
                    for (String pid : query.persistenceIds()) {
                      highest.put(pid, store.contiguousSequenceNr(pid));
                    }
                    query.replyTo().tell(new Highest(self, highest));
                    return Behaviors.same();
                  })
              .build();
        });
  }

  /**
   * Stores each entity's events of the batch as its own fenced append (the store's writer still
   * commits them together, with one fsync) and answers once all are done, naming the entities
   * whose writer was stale.
   */
  private static void replicateByEntity(JournalStore store, String self, Replicate replicate) {
    Map<String, List<io.baton.journal.store.EventRecord>> byEntity = new LinkedHashMap<>();
    for (io.baton.journal.store.EventRecord event : replicate.events()) {
      byEntity.computeIfAbsent(event.persistenceId(), pid -> new java.util.ArrayList<>())
          .add(event);
    }
    Map<String, Long> fenced = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.List<java.util.concurrent.CompletableFuture<Void>> appends =
        new java.util.ArrayList<>();
    for (Map.Entry<String, List<io.baton.journal.store.EventRecord>> entity
        : byEntity.entrySet()) {
      String pid = entity.getKey();
      Long epoch = replicate.epochs().get(pid);
      appends.add(store.appendFenced(entity.getValue(), Map.of(pid, epoch == null ? 0L : epoch))
          .handle((done, failure) -> {
            if (failure != null) {
              Throwable cause = failure instanceof CompletionException
                  && failure.getCause() != null ? failure.getCause() : failure;
              if (cause instanceof FencedWriteException refused) {
                fenced.put(pid, refused.currentEpoch());
                return (Void) null;
              }
              throw new CompletionException(cause);
            }
            return (Void) null;
          }).toCompletableFuture());
    }
    java.util.concurrent.CompletableFuture.allOf(
            appends.toArray(java.util.concurrent.CompletableFuture[]::new))
        .whenComplete((done, failure) -> replicate.replyTo().tell(failure == null
            ? new Replicated(self, Map.copyOf(fenced))
            : replyFor(self, failure)));
  }

  /** The sequence number of the latest snapshot held, 0 when none (or when it is damaged). */
  static long latestSnapshot(JournalStore store, String persistenceId) {
    try {
      return store.loadSnapshot(persistenceId, SnapshotCriteria.latest())
          .map(SnapshotRecord::sequenceNr).orElse(0L);
    } catch (RuntimeException damaged) {
      return 0L;
    }
  }

  private static ReplicationMessage.ReplicateReply replyFor(String self, Throwable failure) {
    if (failure == null) {
      return new Replicated(self, Map.of());
    }
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (cause instanceof FencedWriteException fenced) {
      return new Fenced(self, fenced.persistenceId(), fenced.sentEpoch(), fenced.currentEpoch());
    }
    return new ReplicaFailed(self, String.valueOf(cause.getMessage()));
  }
}
