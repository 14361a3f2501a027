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
 * The replica side of the journal, one per node, at {@code /system/baton-journal-replica}: it
 * stores what the owners of other entities send it, refuses writers whose epoch is stale, and
 * serves reads for catch-up and repair.
 *
 * <p>Every write goes through the node's {@link JournalStore} and is acknowledged only once
 * durable. The epoch check and the write are one atomic step of the store's writer, so a stale
 * writer can never slip a write in after a newer owner has raised the epoch.
 */
public final class ReplicaEndpoint {

  /** The endpoint's actor name under {@code /system}. */
  public static final String NAME = "baton-journal-replica";

  private ReplicaEndpoint() {}

  /**
   * @param store the node's store
   * @param self this node's address, as it names itself in replies
   */
  public static Behavior<ReplicationMessage> create(JournalStore store, String self) {
    return Behaviors.setup(
        context -> {
          Executor executor = context.getExecutionContext();
          return Behaviors.receive(ReplicationMessage.class)
              .onMessage(
                  Replicate.class,
                  replicate -> {
                    store
                        .appendFenced(replicate.events(), replicate.epochs())
                        .whenComplete(
                            (done, failure) ->
                                replicate.replyTo().tell(replyFor(self, failure)));
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
                              store.read(read.persistenceId(), read.from(), read.to(), read.max()),
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
      return new Replicated(self);
    }
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (cause instanceof FencedWriteException fenced) {
      return new Fenced(self, fenced.persistenceId(), fenced.sentEpoch(), fenced.currentEpoch());
    }
    return new ReplicaFailed(self, String.valueOf(cause.getMessage()));
  }
}
