package io.baton.benchmarks.supervision;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Passes a value from an actor to the benchmark thread, which blocks until it arrives. Every
 * measurement ends here, on both sides of a comparison; {@code RestartLatencyBenchmark.handOffFloor}
 * measures what it costs.
 *
 * <p>Thread-safe: actors {@link #offer}, the benchmark thread {@link #take}s.
 */
final class HandOff<T> {

  private static final long TIMEOUT_SECONDS = 30;

  /** More room than a benchmark ever needs: a value is always taken before the next is made. */
  private final ArrayBlockingQueue<T> queue = new ArrayBlockingQueue<>(16);

  /** Called by an actor; fails if values pile up, which means the benchmark lost count. */
  void offer(T value) {
    if (!queue.offer(value)) {
      throw new IllegalStateException(
          "hand-off full: values are offered faster than the benchmark takes them, so the"
              + " benchmark's protocol is broken");
    }
  }

  /**
   * Blocks until an actor offers a value; fails after 30 seconds, naming {@code what} was awaited,
   * rather than hanging the run (for example when a supervisor gave up).
   */
  T take(String what) throws InterruptedException {
    T value = queue.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (value == null) {
      throw new IllegalStateException(
          "waited " + TIMEOUT_SECONDS + " s for " + what + " in vain; see the log for a supervisor"
              + " that reached its restart intensity or a child that failed to start");
    }
    return value;
  }
}
