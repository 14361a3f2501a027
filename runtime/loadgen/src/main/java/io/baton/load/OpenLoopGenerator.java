package io.baton.load;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open-loop load: requests of each {@link ArrivalStream} start at their fixed rate whatever
 * the system does, so a stall cannot lower the offered load and hide itself (coordinated
 * omission), and each request's latency counts from its <em>intended</em> start to its outcome.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Request {@code i} of a stream is due at {@code t0 + i / rate}; the one scheduler thread
 *       sends it at that time, or at once if it fell behind. It never skips a request and never
 *       waits for an answer: sending only hands the request to {@link EntityClient}.
 *   <li>Every request sent ends with exactly one {@link RequestOutcome}, by the give-up time of
 *       the {@link AttemptPolicy} at the latest; {@link #stop()} returns once all have ended.
 *   <li>Every outcome is one line of the history file (JSON lines), written before the outcome is
 *       counted; re-sends of {@link #resolve} are lines too.
 * </ul>
 *
 * <h2>History line</h2>
 * {@code event} ({@code outcome} or {@code resolution}), {@code seq}, {@code stream}, {@code
 * phase}, {@code type}, {@code id}, {@code key}, {@code body} (JSON), {@code issuedAt} and {@code
 * deadline} (the headers sent, epoch ms), {@code intendedStartMs}, {@code endMs} and {@code
 * latencyMs} (ms after the start of the run, monotonic clock), {@code outcome} ({@link Outcome}
 * name), {@code status} (last HTTP status, 0 if none), {@code attempts} (each {@code n}, {@code
 * target}, {@code atMs} after the intended start, {@code durationMs}, {@code result}), {@code
 * response} (the last answer's body, JSON if it is JSON).
 *
 * <h2>Lifecycle and threads</h2>
 * Created, then {@link #start} once: {@code t0} is then, and the wall clock is read once to stamp
 * {@code Baton-Issued-At} (epoch ms of the intended start) and {@code Baton-Deadline} (that plus
 * the give-up time). {@link #markPhase} from any thread; each request belongs to the phase marked
 * last at or before its intended start. {@link #stop()} once: the scheduler sends what was due
 * before the stop and ends; then it waits for every request in flight. {@link #resolve} after
 * stop. The scheduler thread owns the streams' indexes and the sequence counter; outcomes arrive
 * on the HTTP client's threads and go to {@link LoadStats} (one lock), the history writer (one
 * lock) and the caller's listener; a daemon thread prints the live line every second.
 */
public final class OpenLoopGenerator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OpenLoopGenerator.class);
  private static final long PARK_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private record PhaseMark(String name, long atNanos) {}

  private final EntityClient client;
  private final LoadClock clock;
  private final HistoryWriter history;
  private final PrintStream live;
  private final LoadStats stats = new LoadStats();
  private final List<PhaseMark> phases = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<RequestOutcome> failed = new ConcurrentLinkedQueue<>();
  private final AtomicReference<RuntimeException> sourceFailure = new AtomicReference<>();
  private final Object drained = new Object();
  private volatile long stopAtNanos = Long.MAX_VALUE;
  private volatile Consumer<RequestOutcome> listener = outcome -> { };
  private Thread scheduler;
  private ScheduledExecutorService liveTicker;
  private long t0;
  private long wallAtT0;
  private boolean stopped;

  private OpenLoopGenerator(EntityClient client, Path history, PrintStream live) {
    this.client = client;
    this.clock = client.clock();
    this.history = history == null ? null : HistoryWriter.open(history);
    this.live = live;
  }

  /**
   * A generator sending through {@code client}, writing the history to {@code history} (null:
   * none; the file is replaced) and the live line to {@code live} once a second (null: none).
   */
  public static OpenLoopGenerator create(EntityClient client, Path history, PrintStream live) {
    return new OpenLoopGenerator(Objects.requireNonNull(client, "client"), history, live);
  }

  /**
   * Starts the streams now, in phase {@code firstPhase}; {@code onOutcome} (may be null) is called
   * with every outcome, on an HTTP client thread, after it is in the history and before
   * it is counted (so {@link #stop()} returns after the last call).
   */
  public synchronized void start(String firstPhase, List<ArrivalStream> streams,
      Consumer<RequestOutcome> onOutcome) {
    if (scheduler != null) {
      throw new IllegalStateException("the load was started already; a generator runs one load,"
          + " create another for the next");
    }
    if (streams.isEmpty()) {
      throw new IllegalArgumentException("no stream: give at least one ArrivalStream");
    }
    List<ArrivalStream> copy = List.copyOf(streams);
    if (onOutcome != null) {
      listener = onOutcome;
    }
    t0 = clock.nanoTime();
    wallAtT0 = clock.epochMillis();
    markPhase(firstPhase);
    scheduler = new Thread(() -> schedule(copy), "baton-load-scheduler");
    scheduler.setDaemon(true);
    scheduler.start();
    if (live != null) {
      liveTicker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "baton-load-live");
        thread.setDaemon(true);
        return thread;
      });
      liveTicker.scheduleAtFixedRate(this::printLive, 1, 1, TimeUnit.SECONDS);
    }
  }

  /** Requests intended from now on belong to phase {@code name} (a name may come back). */
  public void markPhase(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a phase needs a name, e.g. \"upgrade\"");
    }
    long at = clock.nanoTime();
    phases.add(new PhaseMark(name, at));
    stats.phaseMarked(name, at - t0);
  }

  /** The phase current at {@code nanos} on the clock. */
  private String phaseAt(long nanos) {
    String current = phases.get(0).name();
    for (PhaseMark mark : phases) {
      if (mark.atNanos() <= nanos) {
        current = mark.name();
      }
    }
    return current;
  }

  /** The start of the run ({@code t0}) on the clock; valid once started. */
  public synchronized long startNanos() {
    return t0;
  }

  /** Nanoseconds since the start of the run. */
  public long elapsedNanos() {
    return clock.nanoTime() - t0;
  }

  /**
   * Stops the load: sends what was due before now, then waits until every request in flight has
   * its outcome (at most the give-up time plus the attempt timeout, plus 5 s of slack), flushes
   * the history and answers the summary.
   *
   * @throws IllegalStateException if a stream's source threw (its message and cause say which)
   */
  public LoadSummary stop() throws InterruptedException {
    synchronized (this) {
      if (scheduler == null) {
        throw new IllegalStateException("the load was never started");
      }
      if (!stopped) {
        stopped = true;
        stopAtNanos = clock.nanoTime();
        LockSupport.unpark(scheduler);
      }
    }
    scheduler.join();
    long waitNanos = client.policy().giveUp().plus(client.policy().attemptTimeout())
        .plusSeconds(5).toNanos();
    long until = System.nanoTime() + waitNanos;
    synchronized (drained) {
      while (stats.inFlight() > 0 && System.nanoTime() < until) {
        drained.wait(100);
      }
    }
    if (stats.inFlight() > 0) {
      LOG.error("{} requests still in flight {} after the load stopped, beyond their give-up"
          + " time: an HTTP client callback is lost", stats.inFlight(), Duration.ofNanos(waitNanos));
    }
    if (liveTicker != null) {
      liveTicker.shutdownNow();
      printLive();
    }
    if (history != null) {
      history.flush();
    }
    RuntimeException failure = sourceFailure.get();
    if (failure != null) {
      throw new IllegalStateException("a stream's request source failed, so that stream stopped"
          + " early: " + failure.getMessage() + "; fix the workload", failure);
    }
    return summary();
  }

  /** The summary so far (final once {@link #stop()} returned). */
  public LoadSummary summary() {
    return stats.summary(elapsedNanos());
  }

  /** The outcomes given up on ({@link Outcome#FAILED}) so far, in no particular order. */
  public List<RequestOutcome> failed() {
    return List.copyOf(failed);
  }

  /**
   * After {@link #stop()}: re-sends every request the load gave up on, with its key, issue time
   * and deadline, again and again (each time under the attempt policy) until it has a final answer
   * or {@code bound} has passed since the resolve began; at most 16 at a time, and none is sent
   * once the bound has passed (so resolve ends within the bound plus one give-up time; those not
   * sent stay {@link Outcome#FAILED}). Every re-send's final outcome is a {@code resolution} line
   * of the history.
   */
  public ResolveReport resolve(Duration bound) throws InterruptedException {
    synchronized (this) {
      if (!stopped) {
        throw new IllegalStateException("resolve runs after stop(): while the load runs, a"
            + " given-up request may still be applied late");
      }
    }
    long until = clock.nanoTime() + bound.toNanos();
    List<RequestOutcome> toResolve = new ArrayList<>(failed);
    toResolve.sort(Comparator.comparingLong(RequestOutcome::seq));
    List<CompletableFuture<RequestOutcome>> results = new ArrayList<>();
    Semaphore permits = new Semaphore(16);
    ExecutorService workers = Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, "baton-load-resolve");
      thread.setDaemon(true);
      return thread;
    });
    try {
      for (RequestOutcome original : toResolve) {
        permits.acquire();
        results.add(CompletableFuture.supplyAsync(() -> {
          try {
            return resolveOne(original, until);
          } finally {
            permits.release();
          }
        }, workers));
      }
      List<RequestOutcome> resolutions = new ArrayList<>();
      for (CompletableFuture<RequestOutcome> result : results) {
        resolutions.add(result.join());
      }
      if (history != null) {
        history.flush();
      }
      return new ResolveReport(resolutions);
    } finally {
      workers.shutdownNow();
    }
  }

  private RequestOutcome resolveOne(RequestOutcome original, long until) {
    int attempt = 0;
    while (true) {
      long start = clock.nanoTime();
      if (attempt == 0 && start >= until) {
        // The bound passed while this one waited for its turn: not re-sent, its fate stays
        // unknown (FAILED, no attempt), so that the bound holds however many were given up.
        return written(new RequestOutcome(original.seq(), original.stream(), original.phase(),
            original.request(), original.issuedAtMillis(), original.deadlineMillis(),
            start - t0, start - t0, new Answer(Outcome.FAILED, 0, "", List.of(), start)));
      }
      Answer answer = client.send(original.request(), start, original.issuedAtMillis(),
          original.deadlineMillis(), (int) ((original.seq() + 1 + attempt) % Integer.MAX_VALUE))
          .join();
      attempt++;
      if (answer.outcome() != Outcome.FAILED || clock.nanoTime() >= until) {
        return written(new RequestOutcome(original.seq(), original.stream(),
            original.phase(), original.request(), original.issuedAtMillis(),
            original.deadlineMillis(), start - t0, answer.endNanos() - t0, answer));
      }
    }
  }

  private RequestOutcome written(RequestOutcome resolution) {
    if (history != null) {
      history.write("resolution", resolution);
    }
    return resolution;
  }

  /** Stops the load if it runs (without waiting) and closes the history and the client. */
  @Override
  public void close() {
    synchronized (this) {
      stopped = true;
      stopAtNanos = Long.MIN_VALUE;
      if (scheduler != null) {
        LockSupport.unpark(scheduler);
      }
    }
    if (liveTicker != null) {
      liveTicker.shutdownNow();
    }
    if (history != null) {
      history.close();
    }
    client.close();
  }

  private void schedule(List<ArrivalStream> streams) {
    int n = streams.size();
    long[] index = new long[n];
    boolean[] active = new boolean[n];
    java.util.Arrays.fill(active, true);
    long seq = 0;
    while (true) {
      int next = -1;
      long nextDue = Long.MAX_VALUE;
      for (int k = 0; k < n; k++) {
        if (active[k]) {
          long due = t0 + streams.get(k).dueNanos(index[k]);
          if (due < nextDue) {
            nextDue = due;
            next = k;
          }
        }
      }
      if (next < 0 || nextDue >= stopAtNanos) {
        return;
      }
      long wait = nextDue - clock.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(Math.min(wait, PARK_SLICE_NANOS));
        continue;
      }
      ArrivalStream stream = streams.get(next);
      LoadRequest request;
      try {
        request = Objects.requireNonNull(stream.source().request(index[next]),
            "the source answered null");
      } catch (RuntimeException e) {
        LOG.error("Stream {} stopped: its source failed on request {}", stream.name(),
            index[next], e);
        sourceFailure.compareAndSet(null, new IllegalStateException("stream '" + stream.name()
            + "' request " + index[next] + ": " + e, e));
        active[next] = false;
        continue;
      }
      index[next]++;
      dispatch(seq++, stream.name(), request, nextDue);
    }
  }

  private void dispatch(long seq, String stream, LoadRequest request, long dueNanos) {
    String phase = phaseAt(dueNanos);
    long issuedAt = wallAtT0 + TimeUnit.NANOSECONDS.toMillis(dueNanos - t0);
    long deadline = issuedAt + client.policy().giveUp().toMillis();
    stats.offered(phase, dueNanos - t0);
    client.send(request, dueNanos, issuedAt, deadline,
            (int) (seq % client.targets().size()))
        .thenAccept(answer -> completed(new RequestOutcome(seq, stream, phase, request, issuedAt,
            deadline, dueNanos - t0, answer.endNanos() - t0, answer)));
  }

  private void completed(RequestOutcome outcome) {
    // Counted last, so that stop(), which waits for the count in flight to reach 0, returns
    // after the history line and the listener of every outcome.
    try {
      if (history != null) {
        history.write("outcome", outcome);
      }
      if (outcome.outcome() == Outcome.FAILED) {
        failed.add(outcome);
      }
      listener.accept(outcome);
    } catch (RuntimeException e) {
      LOG.error("Recording the outcome of request {} ({}) failed", outcome.seq(),
          outcome.request().key(), e);
    } finally {
      stats.completed(outcome);
      synchronized (drained) {
        drained.notifyAll();
      }
    }
  }

  private void printLive() {
    LoadStats.Tick tick = stats.tick();
    live.println(String.format(Locale.ROOT, "load %6.1f s: offered %d, completed %d, ok %d,"
            + " failed %d, retried %d, in flight %d, p99 %s, max %s",
        elapsedNanos() / 1e9, tick.offered(), tick.completed(), tick.ok(), tick.failed(),
        tick.retried(), tick.inFlight(), LoadSummary.ms(tick.p99Millis()),
        LoadSummary.ms(tick.maxMillis())));
    if (history != null) {
      history.flush();
    }
  }
}
