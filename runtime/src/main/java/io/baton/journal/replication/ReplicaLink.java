package io.baton.journal.replication;

import io.baton.journal.store.EventRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.Address;

/**
 * The owner's side of replication to one replica: group commit across the network. At most one
 * batch is in flight to the replica; writes that arrive meanwhile wait and leave together, as one
 * message with one answer, as soon as it returns. Under load the batches grow, so the round trip,
 * not the number of writes, sets the throughput; a lone write leaves at once.
 *
 * <p>A batch may hold several entities' writes. The replica answers per entity, so one entity
 * whose writer is stale fails only its own writes (with {@link FencedException}).
 *
 * <p>Thread-safe: writes are submitted from any thread; the queue is guarded by {@code this}.
 */
final class ReplicaLink {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ReplicaLink.class);

  /** One write waiting for the replica. */
  private record Pending(
      List<EventRecord> events, Map<String, Long> epochs, CompletableFuture<Void> done) {}

  private final Address target;
  private final long maxBatchBytes;
  private final Function<Batch, CompletionStage<ReplicationMessage.ReplicateReply>> send;
  private List<Pending> queued = new ArrayList<>();
  private long queuedEvents;
  private long inFlightEvents;
  private boolean inFlight;
  private List<Pending> inFlightBatch = List.of();
  private boolean abandoned;

  /** A batch as it goes out: the events of every write in it, and each entity's epoch. */
  record Batch(List<EventRecord> events, Map<String, Long> epochs) {}

  ReplicaLink(Address target, long maxBatchBytes,
      Function<Batch, CompletionStage<ReplicationMessage.ReplicateReply>> send) {
    this.target = target;
    this.maxBatchBytes = maxBatchBytes;
    this.send = send;
  }

  private synchronized boolean isAbandoned() {
    return abandoned;
  }

  /** Events handed to this link and not yet confirmed by the replica: the replication lag. */
  synchronized long lag() {
    return queuedEvents + inFlightEvents;
  }

  /** Queues a write; the stage completes when the replica has it durably. */
  CompletableFuture<Void> submit(List<EventRecord> events, Map<String, Long> epochs) {
    Pending pending = new Pending(events, epochs, new CompletableFuture<>());
    List<Pending> batch;
    synchronized (this) {
      if (abandoned) {
        pending.done().completeExceptionally(new ReplicaLeftRing(target + " left the ring"));
        return pending.done();
      }
      queued.add(pending);
      queuedEvents += events.size();
      if (inFlight) {
        return pending.done();
      }
      batch = takeBatch();
    }
    dispatch(batch);
    return pending.done();
  }

  /** Takes queued writes, oldest first, up to the batch size (at least one). Holds the lock. */
  private List<Pending> takeBatch() {
    List<Pending> batch = new ArrayList<>();
    long bytes = 0;
    int taken = 0;
    for (Pending pending : queued) {
      long size = 0;
      for (EventRecord event : pending.events()) {
        size += event.payload().length + 64;
      }
      if (!batch.isEmpty() && bytes + size > maxBatchBytes) {
        break;
      }
      batch.add(pending);
      bytes += size;
      taken++;
    }
    queued = new ArrayList<>(queued.subList(taken, queued.size()));
    long events = 0;
    for (Pending pending : batch) {
      events += pending.events().size();
    }
    queuedEvents -= events;
    inFlightEvents = events;
    inFlight = true;
    inFlightBatch = batch;
    return batch;
  }

  /**
   * The target left the ring: every write waiting for it, queued or in flight, fails at once with
   * {@link ReplicaLeftRing} (its sender sends it to the new targets), and so does every later
   * submit. A late answer to the batch in flight changes nothing.
   */
  void abandon() {
    List<Pending> waiting = new ArrayList<>();
    synchronized (this) {
      abandoned = true;
      waiting.addAll(inFlightBatch);
      waiting.addAll(queued);
      queued = new ArrayList<>();
      queuedEvents = 0;
    }
    for (Pending pending : waiting) {
      pending.done().completeExceptionally(new ReplicaLeftRing(target + " left the ring"));
    }
  }

  private void dispatch(List<Pending> batch) {
    List<EventRecord> events = new ArrayList<>();
    Map<String, Long> epochs = new HashMap<>();
    for (Pending pending : batch) {
      events.addAll(pending.events());
      for (Map.Entry<String, Long> epoch : pending.epochs().entrySet()) {
        epochs.merge(epoch.getKey(), epoch.getValue(), Math::max);
      }
    }
    CompletionStage<ReplicationMessage.ReplicateReply> reply;
    try {
      reply = send.apply(new Batch(events, epochs));
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    long sentAt = System.nanoTime();
    reply.whenComplete((answer, failure) -> {
      if (failure != null && !isAbandoned()) {
        LOG.warn("Replica {} did not confirm a batch of {} events after {} ms: {}", target,
            events.size(), (System.nanoTime() - sentAt) / 1_000_000, failure.toString());
      }
      for (Pending pending : batch) {
        complete(pending, answer, failure);
      }
      List<Pending> next;
      synchronized (this) {
        inFlightEvents = 0;
        inFlight = false;
        inFlightBatch = List.of();
        if (queued.isEmpty() || abandoned) {
          return;
        }
        next = takeBatch();
      }
      dispatch(next);
    });
  }

  private void complete(
      Pending pending, ReplicationMessage.ReplicateReply answer, Throwable failure) {
    if (failure != null) {
      pending.done().completeExceptionally(new ReplicationException("replica " + target
          + " did not confirm the write: " + failure.getMessage() + ". The write is not"
          + " acknowledged; writes succeed again once the replica answers or the cluster"
          + " removes it", failure));
    } else if (answer instanceof ReplicationMessage.Replicated replicated) {
      for (String pid : pending.epochs().keySet()) {
        Long current = replicated.fenced().get(pid);
        if (current != null) {
          pending.done().completeExceptionally(new FencedException(pid,
              pending.epochs().get(pid), current, replicated.replica()));
          return;
        }
      }
      pending.done().complete(null);
    } else if (answer instanceof ReplicationMessage.ReplicaFailed failed) {
      pending.done().completeExceptionally(new ReplicationException("replica "
          + failed.replica() + " could not store the write: " + failed.reason()));
    } else {
      pending.done().completeExceptionally(new ReplicationException("replica " + target
          + " answered " + answer));
    }
  }
}
