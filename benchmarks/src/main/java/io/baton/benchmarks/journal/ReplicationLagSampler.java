package io.baton.benchmarks.journal;

import io.baton.journal.replication.JournalReplication;
import io.baton.journal.store.EventRecord;
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
 * {@link EntityProgress}), <em>then</em> the end {@code r} of the gap-free prefix of the entity's
 * events that the replica's store holds (a replica that has event 9 but not event 8 holds a
 * prefix up to 7: a new owner recovers no further). The entity is {@code max(0, a - r)} events
 * behind, and its oldest unreplicated event was acknowledged {@code now - ackedAt(r + 1)} ago. A
 * sample is the sum of events behind over all entities, and the largest such age; it also
 * records the writer's replication requests in flight (sent, reply not yet back). Because {@code
 * r} is read after {@code a} and only grows, a sample never shows lag that did not exist; with
 * synchronous replication every sample must be 0 (the replica holds an event before it is
 * acknowledged), which the report shows.
 *
 * <p>The prefix is followed incrementally (each sample reads only the replica's events past the
 * prefix found before), so sampling costs about one store read per entity.
 *
 * <h2>Threads</h2>
 * One sampling thread, started by {@link #start} and stopped by {@link #finish}; the arrays belong
 * to it until {@code finish} has joined it, and to the caller of {@code finish} afterwards.
 */
final class ReplicationLagSampler {

  private final JournalStore replica;
  private final JournalReplication writer;
  private final List<EntityProgress> entities;
  private final long[] prefix;
  private final long intervalNanos;
  private final Thread thread;
  private volatile boolean running = true;
  private long[] behind = new long[4096];
  private long[] ageNanos = new long[4096];
  private int samples;
  private long inFlightMax;
  private volatile RuntimeException failure;

  private ReplicationLagSampler(JournalStore replica, JournalReplication writer,
      List<EntityProgress> entities, Duration interval) {
    this.replica = replica;
    this.writer = writer;
    this.entities = List.copyOf(entities);
    this.prefix = new long[entities.size()];
    for (int i = 0; i < prefix.length; i++) {
      // The entities are fresh: the replica cannot hold anything of theirs yet beyond this.
      prefix[i] = this.entities.get(i).firstSequenceNr() - 1;
    }
    this.intervalNanos = interval.toNanos();
    this.thread = new Thread(this::run, "replication-lag-sampler");
    this.thread.setDaemon(true);
  }

  /**
   * Starts sampling every {@code interval} the store of the {@code replica} node, for events that
   * {@code writer}'s node wrote.
   */
  static ReplicationLagSampler start(JournalStore replica, JournalReplication writer,
      List<EntityProgress> entities, Duration interval) {
    ReplicationLagSampler sampler =
        new ReplicationLagSampler(replica, writer, entities, interval);
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
    for (int i = 0; i < prefix.length; i++) {
      EntityProgress entity = entities.get(i);
      long acked = entity.ackedSequenceNr();
      long held = replicatedPrefix(i, acked);
      if (held < acked) {
        long now = System.nanoTime();
        totalBehind += acked - held;
        oldest = Math.max(oldest, now - entity.ackedAt(held + 1));
      }
    }
    if (samples == behind.length) {
      behind = Arrays.copyOf(behind, samples * 2);
      ageNanos = Arrays.copyOf(ageNanos, samples * 2);
    }
    behind[samples] = totalBehind;
    ageNanos[samples] = oldest;
    samples++;
    inFlightMax = Math.max(inFlightMax, writer.status().inFlight());
  }

  /** Extends entity {@code i}'s known gap-free prefix on the replica towards {@code acked}. */
  private long replicatedPrefix(int i, long acked) {
    long held = prefix[i];
    if (held >= acked) {
      return held;
    }
    List<EventRecord> next =
        replica.read(entities.get(i).persistenceId(), held + 1, acked, acked - held);
    for (EventRecord event : next) {
      if (event.sequenceNr() != held + 1) {
        break;
      }
      held++;
    }
    prefix[i] = held;
    return held;
  }

  /**
   * Stops sampling (call once the drivers are done); then waits until the replica holds every
   * acknowledged event, and until every replication request of the writer has had its answer (or
   * timed out), so that the next scenario starts on a quiet cluster.
   *
   * @param timeout how long to wait for each
   * @throws TimeoutException if replication requests are still outstanding after {@code timeout}
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
    long completeNanos = -1;
    long missing = 0;
    while (true) {
      missing = 0;
      for (int i = 0; i < prefix.length; i++) {
        long acked = entities.get(i).ackedSequenceNr();
        missing += acked - replicatedPrefix(i, acked);
      }
      long now = System.nanoTime();
      if (missing == 0) {
        completeAtFirstCheck = firstCheck;
        completeNanos = Math.max(0, now - lastAck);
        break;
      }
      if (now > deadline) {
        break; // reported as an incomplete replica, with the number of events it lacks
      }
      firstCheck = false;
      LockSupport.parkNanos(20_000);
    }
    deadline = System.nanoTime() + timeout.toNanos();
    long inFlight;
    while ((inFlight = writer.status().inFlight()) > 0) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(inFlight + " replication requests still unanswered " + timeout
            + " after the end of the run");
      }
      LockSupport.parkNanos(100_000);
    }
    long settledNanos = Math.max(0, System.nanoTime() - lastAck);
    return summary(completeNanos, completeAtFirstCheck, missing, settledNanos);
  }

  private BenchmarkResults.Lag summary(long completeNanos, boolean completeAtFirstCheck,
      long missingAtEnd, long settledNanos) {
    long[] behindSamples = Arrays.copyOf(behind, Math.max(samples, 1));
    long[] ageSamples = Arrays.copyOf(ageNanos, Math.max(samples, 1));
    Percentiles behindP = Percentiles.of(behindSamples);
    Percentiles ageP = Percentiles.of(ageSamples);
    long laggingSamples = Arrays.stream(behindSamples).filter(b -> b > 0).count();
    return new BenchmarkResults.Lag(samples, intervalNanos / 1_000, laggingSamples,
        behindP.at(50), behindP.at(99), behindP.max(), behindP.mean(),
        ageP.at(50) / 1e3, ageP.at(99) / 1e3, ageP.max() / 1e3,
        completeNanos < 0 ? -1 : completeNanos / 1e3, completeAtFirstCheck, missingAtEnd,
        inFlightMax, settledNanos / 1e3);
  }
}
