package io.baton.benchmarks.journal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What one {@link SequentialDriver} has seen of its entity: the latency of every persist, when
 * each event was acknowledged, and the highest acknowledged sequence number.
 *
 * <h2>Threads</h2>
 * The driver actor is the only writer. The latencies and the first and last times are plain
 * fields, read by the benchmark thread only after the driver has completed its {@code done}
 * future (which orders the writes before the reads). {@link #ackedSequenceNr()} and
 * {@link #ackedAt(long)} are also read <em>while</em> the driver runs, by the {@link
 * ReplicationLagSampler}: the driver writes the acknowledgement time of an event before it
 * publishes the event's sequence number (both volatile), so a reader that sees sequence number
 * {@code s} also sees the times of every event up to {@code s}.
 */
final class EntityProgress {

  private final String persistenceId;
  private final long firstSequenceNr;
  private final long[] latencies;
  private final AtomicLongArray ackNanos;
  private final AtomicLong acked;
  private int count;
  private long firstSentNanos;
  private long lastAckNanos;

  /**
   * @param persistenceId the entity
   * @param events how many events the driver persists
   * @param startSequenceNr the entity's highest sequence number before the driver starts
   */
  EntityProgress(String persistenceId, int events, long startSequenceNr) {
    this.persistenceId = persistenceId;
    this.firstSequenceNr = startSequenceNr + 1;
    this.latencies = new long[events];
    this.ackNanos = new AtomicLongArray(events);
    this.acked = new AtomicLong(startSequenceNr);
  }

  String persistenceId() {
    return persistenceId;
  }

  int events() {
    return latencies.length;
  }

  boolean complete() {
    return count == latencies.length;
  }

  /** Called by the driver just before it sends the first command. */
  void started(long nanos) {
    firstSentNanos = nanos;
  }

  /** Called by the driver when event {@code sequenceNr}, sent at {@code sentNanos}, is acked. */
  void acknowledged(long sequenceNr, long sentNanos, long nowNanos) {
    int index = (int) (sequenceNr - firstSequenceNr);
    if (index != count) {
      throw new IllegalStateException(persistenceId + ": acknowledgement of event " + sequenceNr
          + " where event " + (firstSequenceNr + count) + " was expected; the entity lost or"
          + " reordered an event, the benchmark is invalid");
    }
    latencies[count++] = nowNanos - sentNanos;
    lastAckNanos = nowNanos;
    ackNanos.set(index, nowNanos);
    acked.set(sequenceNr);
  }

  /** The latency of every persist, in nanoseconds, in order. Read after the driver is done. */
  long[] latencies() {
    return latencies;
  }

  long firstSentNanos() {
    return firstSentNanos;
  }

  long lastAckNanos() {
    return lastAckNanos;
  }

  /** The highest acknowledged sequence number; safe to read at any time. */
  long ackedSequenceNr() {
    return acked.get();
  }

  /**
   * When event {@code sequenceNr} was acknowledged; safe to read at any time for a sequence number
   * up to a value {@link #ackedSequenceNr()} returned, and only for those.
   */
  long ackedAt(long sequenceNr) {
    return ackNanos.get((int) (sequenceNr - firstSequenceNr));
  }

  long firstSequenceNr() {
    return firstSequenceNr;
  }
}
