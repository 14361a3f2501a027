package io.baton.benchmarks.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client load of a run: every counter is incremented in a loop of its own, one request at a
 * time, a new one every {@code period} (or at once when the previous one took longer), so every
 * counter is touched regularly and a counter that stalls does not slow the others. Counter {@code
 * i} enters the cluster through node {@code i % nodes}. The loops start spread over one period.
 *
 * <p>Every request's {@link Answer} is kept, in a concurrent queue that the driver snapshots. The
 * loops run on the scheduler and on the clients' callback threads; {@link #stop} ends them and
 * waits for the requests in flight.
 */
final class SteadyLoad {

  private final CounterClient client;
  private final List<String> ids;
  private final int nodes;
  private final long periodNanos;
  private final ScheduledExecutorService scheduler;
  private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean running;
  private volatile long startNanos;
  private volatile long stopNanos;

  SteadyLoad(CounterClient client, List<String> ids, int nodes, double ratePerSecond,
      ScheduledExecutorService scheduler) {
    this.client = client;
    this.ids = List.copyOf(ids);
    this.nodes = nodes;
    this.periodNanos = (long) (ids.size() / ratePerSecond * 1e9);
    this.scheduler = scheduler;
  }

  void start() {
    running = true;
    startNanos = System.nanoTime();
    for (int i = 0; i < ids.size(); i++) {
      int entity = i;
      scheduler.schedule(() -> send(entity), periodNanos * i / ids.size(), TimeUnit.NANOSECONDS);
    }
  }

  private void send(int entity) {
    if (!running) {
      return;
    }
    inFlight.incrementAndGet();
    long start = System.nanoTime();
    client.increment(entity, ids.get(entity), entity % nodes).whenComplete((answer, failure) -> {
      answers.add(answer != null ? answer
          : new Answer(entity, false, 0, "", 1, start, System.nanoTime()));
      inFlight.decrementAndGet();
      long delay = Math.max(0, start + periodNanos - System.nanoTime());
      scheduler.schedule(() -> send(entity), delay, TimeUnit.NANOSECONDS);
    });
  }

  /** Stops issuing requests and waits up to {@code timeout} for those in flight; true if none is. */
  boolean stop(Duration timeout) throws InterruptedException {
    running = false;
    stopNanos = System.nanoTime();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return inFlight.get() == 0;
  }

  /** The answers so far. */
  List<Answer> answers() {
    return new ArrayList<>(answers);
  }

  /** Seconds from {@link #start} to {@link #stop}. */
  double seconds() {
    return (stopNanos - startNanos) / 1e9;
  }
}
