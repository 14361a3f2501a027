package io.baton.load;

/**
 * The generator's only source of time: a monotonic clock for every latency, schedule and timeout
 * decision, and a wall clock read once per run to stamp requests ({@code Baton-Issued-At}, {@code
 * Baton-Deadline}). {@link #system()} in production; tests pass a manual one.
 *
 * <p>Guarantee expected of an implementation: {@link #nanoTime()} never goes backwards and is
 * safe to call from any thread.
 */
public interface LoadClock {

  /** Monotonic time in nanoseconds, from an arbitrary origin (as {@link System#nanoTime()}). */
  long nanoTime();

  /** Wall-clock time in epoch milliseconds, used only to stamp requests for the server. */
  long epochMillis();

  /** {@link System#nanoTime()} and {@link System#currentTimeMillis()}. */
  static LoadClock system() {
    return SystemClock.INSTANCE;
  }

  /** The system clock, a singleton. */
  enum SystemClock implements LoadClock {
    INSTANCE;

    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public long epochMillis() {
      return System.currentTimeMillis();
    }
  }
}
