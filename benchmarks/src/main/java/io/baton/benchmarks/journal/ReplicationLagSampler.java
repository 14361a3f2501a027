package io.baton.benchmarks.journal;

import io.baton.journal.store.JournalStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures how far a replica trails the owner while the drivers write: the asynchronous mode's
 * loss window, i.e. the events that were acknowledged to their entities but that the replica did
 * not hold yet, and that a crash of the owner at that moment would lose.
 *
 * <h2>What one sample is</h2>
 * For every entity: read the highest acknowledged sequence number {@code a} (from the driver's
 * {@link EntityProgress}), <em>then</em> the highest sequence number the replica's store holds
 * {@code r}. The entity is {@code max(0, a - r)} events behind, and its oldest unreplicated event
 * was acknowledged {@code now - ackedAt(r + 1)} ago. A sample is the sum of events behind over
 * all entities, and the largest such age. Because {@code r} is read after {@code a} and only
 * grows, a sample never shows lag that did not exist; with synchronous replication every sample
 * must be 0 (the replica holds an event before it is acknowledged), which the report checks.
 *
 * <p>Replicas write an entity's events in order, so the replica's highest sequence number is
 * also the end of its contiguous prefix here.
 *
 * <h2>Threads</h2>
 * One sampling thread, started by {@link #start} and stopped by {@link #finish}; the arrays of
 * samples belong to it until {@code finish} has joined it.
 */
final class ReplicationLagSampler {

  private final JournalStore replica;
  private final List<EntityProgress> entities;
  private final long intervalNanos;
  private final Thread thread;
  private volatile boolean running = true;
  private long[] behind = new long[4096];
  private long[] ageNanos = new long[4096];
  private int samples;
  private volatile RuntimeException failure;

  private ReplicationLagSampler(JournalStore replica, List<EntityProgress> entities,
      Duration interval) {
    this.replica = replica;
    this.entities = List.copyOf(entities);
    this.intervalNanos = interval.toNanos();
    this.thread = new Thread(this::run, "replication-lag-sampler");
    this.thread.setDaemon(true);
  }

  /** Starts sampling every {@code interval} (a sample takes one store read per entity). */
  static ReplicationLagSampler start(JournalStore replica, List<EntityProgress> entities,
      Duration interval) {
    ReplicationLagSampler sampler = new ReplicationLagSampler(replica, entities, interval);
    sampler.thread.start();
    return sampler;
  }

  private void run() {
    try {
      while (running) {
        sampleOnce();
        LockSupport.parkNanos(intervalNanos);
      }
    } catch (RuntimeException e) {
      failure = e;
    }
  }

  private void sampleOnce() {
    long totalBehind = 0;
    long oldest = 0;
    for (EntityProgress entity : entities) {
      long acked = entity.ackedSequenceNr();
      if (acked < entity.firstSequenceNr()) {
        continue;
      }
      long held = replica.highestSequenceNr(entity.persistenceId());
      if (held < acked) {
        long now = System.nanoTime();
        totalBehind += acked - held;
        long firstMissing = Math.max(held + 1, entity.firstSequenceNr());
        oldest = Math.max(oldest, now - entity.ackedAt(firstMissing));
      }
    }
    if (samples == behind.length) {
      behind = Arrays.copyOf(behind, samples * 2);
      ageNanos = Arrays.copyOf(ageNanos, samples * 2);
    }
    behind[samples] = totalBehind;
    ageNanos[samples] = oldest;
    samples++;
  }

  /**
   * Stops sampling (call once the drivers are done), then waits until the replica holds every
   * acknowledged event and reports how long after the last acknowledgement that was.
   */
  BenchmarkResults.Lag finish(Duration timeout) throws InterruptedException, TimeoutException {
    running = false;
    LockSupport.unpark(thread);
    thread.join();
    if (failure != null) {
      throw new IllegalStateException("sampling the replica failed: " + failure, failure);
    }
    long lastAck = 0;
    for (EntityProgress entity : entities) {
      lastAck = Math.max(lastAck, entity.lastAckNanos());
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean firstCheck = true;
    boolean completeAtFirstCheck = false;
    while (true) {
      boolean complete = true;
      for (EntityProgress entity : entities) {
        if (replica.highestSequenceNr(entity.persistenceId()) < entity.ackedSequenceNr()) {
          complete = false;
          break;
        }
      }
      long now = System.nanoTime();
      if (complete) {
        completeAtFirstCheck = firstCheck;
        return summary(Math.max(0, now - lastAck), completeAtFirstCheck);
      }
      if (now > deadline) {
        throw new TimeoutException("the replica did not receive every acknowledged event within "
            + timeout + " of the end of the run");
      }
      firstCheck = false;
      LockSupport.parkNanos(20_000);
    }
  }

  private BenchmarkResults.Lag summary(long drainNanos, boolean completeAtFirstCheck) {
    long[] behindSamples = Arrays.copyOf(behind, Math.max(samples, 1));
    long[] ageSamples = Arrays.copyOf(ageNanos, Math.max(samples, 1));
    Percentiles behindP = Percentiles.of(behindSamples);
    Percentiles ageP = Percentiles.of(ageSamples);
    long laggingSamples = Arrays.stream(behindSamples).filter(b -> b > 0).count();
    return new BenchmarkResults.Lag(samples, intervalNanos / 1_000, laggingSamples,
        behindP.at(50), behindP.at(99), behindP.max(), behindP.mean(),
        ageP.at(50) / 1e3, ageP.at(99) / 1e3, ageP.max() / 1e3,
        drainNanos / 1e3, completeAtFirstCheck);
  }
}
