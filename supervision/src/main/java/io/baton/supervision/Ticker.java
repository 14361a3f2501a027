package io.baton.supervision;

/**
 * The monotonic clock a supervisor reads to count restarts within its period. Tests pass a manual
 * ticker; production uses {@link #system()}. Never the wall clock.
 */
@FunctionalInterface
public interface Ticker {

  /** Nanoseconds from an arbitrary origin; only differences mean anything. */
  long nanoTime();

  /** {@link System#nanoTime()}. */
  static Ticker system() {
    return System::nanoTime;
  }
}
