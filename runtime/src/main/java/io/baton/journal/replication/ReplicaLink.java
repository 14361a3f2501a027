package io.baton.journal.replication;

import io.baton.journal.store.EventRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
 * <p><b>Bounded by bytes.</b> Artery drops a message larger than its maximum frame (PITFALLS.md)
 * and the ask waiting for it only times out, holding every write queued behind it. So no message
 * is ever larger than {@code maxMessageBytes} (estimated by {@link #size}): a write is split into
 * its entities' parts (the replica stores and answers each entity on its own anyway, so a part is
 * the unit of atomicity there), parts are packed into batches up to the bound, and a write one of
 * whose entity parts alone exceeds it is failed at once with {@link OversizedWriteException},
 * never sent. The journal refuses such writes before they are stored, so this is the last line.
  *
 * <p>Thread-safe: writes are submitted from any thread; the queue is guarded by {@code this}.
 */
final class ReplicaLink {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ReplicaLink.class);

  /** Estimated bytes of one event in a message beyond its payload and persistence id. */
  static final int EVENT_OVERHEAD = 48;

  /** One write waiting for the replica: done once all its parts are confirmed. */
  private static final class Pending {
    final CompletableFuture<Void> done = new CompletableFuture<>();
    int partsLeft;
  }

  /** One entity's events of one write: the unit a batch is made of. */
  private record Part(String persistenceId, List<EventRecord> events, long epoch, long bytes,
      Pending write) {}

  private final Address target;
  private final long maxMessageBytes;
  private final Function<Batch, CompletionStage<ReplicationMessage.ReplicateReply>> send;
  private List<Part> queued = new ArrayList<>();
  private long queuedEvents;
  private long inFlightEvents;
  private boolean inFlight;
  private List<Part> inFlightBatch = List.of();
  private boolean abandoned;

  /** A batch as it goes out: the events of every write in it, and each entity's epoch. */
  record Batch(List<EventRecord> events, Map<String, Long> epochs) {}

  ReplicaLink(Address target, long maxMessageBytes,
      Function<Batch, CompletionStage<ReplicationMessage.ReplicateReply>> send) {
    this.target = target;
    this.maxMessageBytes = maxMessageBytes;
    this.send = send;
  }

  /** The estimated bytes of {@code events} of one persistence id in a replication message. */
  static long size(List<EventRecord> events) {
    long bytes = 0;
    for (EventRecord event : events) {
      bytes += event.payload().length + EVENT_OVERHEAD
          + 2L * event.persistenceId().length() * 3; // UTF-8: at most 3 bytes a char; pid twice
    }
    return bytes;
  }

  /**
   * The longest prefix of {@code events} (one persistence id, in order) that fits in one message
   * of {@code maxMessageBytes}, at least the first event: what one catch-up or repair step sends.
   */
  static List<EventRecord> fitting(List<EventRecord> events, long maxMessageBytes) {
    long bytes = 0;
    for (int i = 0; i < events.size(); i++) {
      bytes += size(List.of(events.get(i)));
      if (bytes > maxMessageBytes && i > 0) {
        return events.subList(0, i);
      }
    }
    return events;
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
    Pending pending = new Pending();
    Map<String, List<EventRecord>> byEntity = new LinkedHashMap<>();
    for (EventRecord event : events) {
      byEntity.computeIfAbsent(event.persistenceId(), pid -> new ArrayList<>()).add(event);
    }
    List<Part> parts = new ArrayList<>(byEntity.size());
    for (Map.Entry<String, List<EventRecord>> entity : byEntity.entrySet()) {
      long bytes = size(entity.getValue());
      if (bytes > maxMessageBytes) {
        pending.done.completeExceptionally(new OversizedWriteException(entity.getKey(), bytes,
            maxMessageBytes));
        return pending.done;
      }
      Long epoch = epochs.get(entity.getKey());
      parts.add(new Part(entity.getKey(), entity.getValue(), epoch == null ? 0L : epoch, bytes,
          pending));
    }
    pending.partsLeft = parts.size();
    if (parts.isEmpty()) {
      pending.done.complete(null);
      return pending.done;
    }
    List<Part> batch;
    synchronized (this) {
      if (abandoned) {
        pending.done.completeExceptionally(new ReplicaLeftRing(target + " left the ring"));
        return pending.done;
      }
      queued.addAll(parts);
      queuedEvents += events.size();
      if (inFlight) {
        return pending.done;
      }
      batch = takeBatch();
    }
    dispatch(batch);
    return pending.done;
  }

  /** Takes queued parts, oldest first, up to the message bound (at least one). Holds the lock. */
  private List<Part> takeBatch() {
    List<Part> batch = new ArrayList<>();
    long bytes = 0;
    int taken = 0;
    for (Part part : queued) {
      if (!batch.isEmpty() && bytes + part.bytes() > maxMessageBytes) {
        break;
      }
      batch.add(part);
      bytes += part.bytes();
      taken++;
    }
    queued = new ArrayList<>(queued.subList(taken, queued.size()));
    long events = 0;
    for (Part part : batch) {
      events += part.events().size();
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
    List<Part> waiting = new ArrayList<>();
    synchronized (this) {
      abandoned = true;
      waiting.addAll(inFlightBatch);
      waiting.addAll(queued);
      queued = new ArrayList<>();
      queuedEvents = 0;
    }
    for (Part part : waiting) {
      part.write().done.completeExceptionally(new ReplicaLeftRing(target + " left the ring"));
    }
  }

  private void dispatch(List<Part> batch) {
    List<EventRecord> events = new ArrayList<>();
    Map<String, Long> epochs = new HashMap<>();
    for (Part part : batch) {
      events.addAll(part.events());
      epochs.merge(part.persistenceId(), part.epoch(), Math::max);
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
      for (Part part : batch) {
        complete(part, answer, failure);
      }
      List<Part> next;
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

  private void complete(Part part, ReplicationMessage.ReplicateReply answer, Throwable failure) {
    CompletableFuture<Void> done = part.write().done;
    if (failure != null) {
      done.completeExceptionally(new ReplicationException("replica " + target
          + " did not confirm the write: " + failure.getMessage() + ". The write is not"
          + " acknowledged; writes succeed again once the replica answers or the cluster"
          + " removes it", failure));
    } else if (answer instanceof ReplicationMessage.Replicated replicated) {
      Long current = replicated.fenced().get(part.persistenceId());
      if (current != null) {
        done.completeExceptionally(new FencedException(part.persistenceId(), part.epoch(),
            current, replicated.replica()));
        return;
      }
      boolean last;
      synchronized (part.write()) {
        last = --part.write().partsLeft == 0;
      }
      if (last) {
        done.complete(null);
      }
    } else if (answer instanceof ReplicationMessage.ReplicaFailed failed) {
      done.completeExceptionally(new ReplicationException("replica "
          + failed.replica() + " could not store the write: " + failed.reason()));
    } else {
      done.completeExceptionally(new ReplicationException("replica " + target
          + " answered " + answer));
    }
  }
}
