package io.baton.benchmarks.journal;

import io.baton.journal.store.JournalStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The three scenarios, run against whichever journal the {@link BenchNodes} are configured with.
 * Each takes fresh persistence ids (prefixed with the run's id), so runs never meet old data.
 *
 * <ul>
 *   <li>{@link #writes}: {@code entities} entities, each driven by its own {@link
 *       SequentialDriver} (persist, ack, next), all released at once. One entity measures the
 *       round trip of one durable write; a hundred measure what group commit makes of concurrent
 *       ones. An entity is recovered before its driver starts, so recovery (for Baton, taking
 *       ownership of the entity on its replica set) is not in any sample. Throughput is counted
 *       from the first send to the last acknowledgement. With a replica, the scenario ends only
 *       once the replica holds every event and every replication request has its answer, so
 *       that an asynchronous backlog does not spill into the next scenario.
 *   <li>{@link #replay}: an entity with {@code events} events, written in atomic batches, is
 *       recovered by a fresh incarnation; timed from the spawn of the incarnation until it
 *       answers a {@link BenchCounter.Get} with the full total (Pekko answers commands only
 *       after recovery).
 * </ul>
 */
final class JournalScenarios {

  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);
  /** How long the replica may take to catch up after a run, and its answers to come back. */
  private static final Duration LAG_TIMEOUT = Duration.ofMinutes(2);

  private final BenchNodes nodes;
  private final String runId;
  private final Duration lagSampleInterval;

  JournalScenarios(BenchNodes nodes, String runId, Duration lagSampleInterval) {
    this.nodes = nodes;
    this.runId = runId;
    this.lagSampleInterval = lagSampleInterval;
  }

  /**
   * {@code entities} entities persisting {@code eventsEach} events each, concurrently, each
   * sequentially; with a replica, its lag is sampled throughout.
   */
  BenchmarkResults.Writes writes(String name, int entities, int eventsEach)
      throws InterruptedException, TimeoutException {
    List<ActorRef<BenchCounter.Command>> counters = new ArrayList<>(entities);
    List<EntityProgress> progress = new ArrayList<>(entities);
    for (int i = 0; i < entities; i++) {
      String pid = runId + "-" + name + "-" + i;
      ActorRef<BenchCounter.Command> counter = nodes.spawn(BenchCounter.create(pid), pid);
      long recovered = nodes.<BenchCounter.Command, Long>ask(counter, BenchCounter.Get::new);
      counters.add(counter);
      progress.add(new EntityProgress(pid, eventsEach, recovered));
    }
    List<CompletableFuture<EntityProgress>> done = new ArrayList<>(entities);
    List<ActorRef<SequentialDriver.Message>> drivers = new ArrayList<>(entities);
    for (int i = 0; i < entities; i++) {
      CompletableFuture<EntityProgress> finished = new CompletableFuture<>();
      done.add(finished);
      drivers.add(nodes.spawn(SequentialDriver.create(counters.get(i), progress.get(i), finished),
          "driver-" + progress.get(i).persistenceId()));
    }
    Optional<JournalStore> replica = nodes.replicaStore();
    ReplicationLagSampler sampler = replica
        .map(store -> ReplicationLagSampler.start(store, nodes.writerReplication(), progress,
            lagSampleInterval))
        .orElse(null);
    for (ActorRef<SequentialDriver.Message> driver : drivers) {
      driver.tell(SequentialDriver.Start.INSTANCE);
    }
    try {
      CompletableFuture.allOf(done.toArray(CompletableFuture[]::new))
          .get(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(name + " failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new TimeoutException(name + ": the drivers did not finish within " + RUN_TIMEOUT);
    }
    BenchmarkResults.Lag lag = sampler == null ? null : sampler.finish(LAG_TIMEOUT);
    stopAll(counters);

    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    long[] latencies = new long[entities * eventsEach];
    int at = 0;
    for (EntityProgress entity : progress) {
      first = Math.min(first, entity.firstSentNanos());
      last = Math.max(last, entity.lastAckNanos());
      System.arraycopy(entity.latencies(), 0, latencies, at, eventsEach);
      at += eventsEach;
    }
    Percentiles p = Percentiles.of(latencies);
    double seconds = (last - first) / 1e9;
    return new BenchmarkResults.Writes(entities, latencies.length, seconds,
        latencies.length / seconds, p.at(50) / 1e3, p.at(99) / 1e3, p.mean() / 1e3,
        p.max() / 1e3, lag);
  }

  /**
   * Writes {@code events} events to one entity in atomic batches of {@code batch}, then recovers
   * it {@code rounds} times, each by a new incarnation.
   */
  BenchmarkResults.Replay replay(String name, int events, int batch, int rounds) {
    String pid = runId + "-" + name;
    ActorRef<BenchCounter.Command> writer = nodes.spawn(BenchCounter.create(pid), pid);
    long total = nodes.<BenchCounter.Command, Long>ask(writer, BenchCounter.Get::new);
    for (int written = 0; written < events; written += batch) {
      total = nodes.<BenchCounter.Command, Long>ask(writer,
          replyTo -> new BenchCounter.IncrementMany(batch, replyTo));
    }
    if (total != events) {
      throw new IllegalStateException(pid + " holds " + total + " events, expected " + events);
    }
    stopAll(List.of(writer));
    double[] rates = new double[rounds];
    for (int round = 0; round < rounds; round++) {
      long start = System.nanoTime();
      ActorRef<BenchCounter.Command> incarnation =
          nodes.spawn(BenchCounter.create(pid), pid + "-recovery-" + round);
      long recovered = nodes.<BenchCounter.Command, Long>ask(incarnation, BenchCounter.Get::new);
      long elapsed = System.nanoTime() - start;
      if (recovered != events) {
        throw new IllegalStateException(pid + " recovered " + recovered + " events, expected "
            + events);
      }
      rates[round] = events / (elapsed / 1e9);
      stopAll(List.of(incarnation));
    }
    double[] sorted = rates.clone();
    Arrays.sort(sorted);
    List<Double> inOrder = Arrays.stream(rates).boxed().toList();
    return new BenchmarkResults.Replay(events, inOrder, sorted[(sorted.length - 1) / 2]);
  }

  private void stopAll(List<ActorRef<BenchCounter.Command>> counters) {
    for (ActorRef<BenchCounter.Command> counter : counters) {
      nodes.ask(counter, BenchCounter.Stop::new);
    }
  }
}
