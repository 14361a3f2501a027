package io.baton.supervision;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * OTP's restart intensity: the times of recent restarts in a sliding window of {@code period}.
 * A restart is recorded before it is done; if that makes more than {@code intensity} restarts
 * within the window, the supervisor must give up instead. Restarts older than the period are
 * pruned, so the cost does not grow with the number of past restarts.
 *
 * <p>Not thread-safe: owned by one supervisor actor.
 */
public final class RestartWindow {

  private final int intensity;
  private final long periodNanos;
  private final ArrayDeque<Long> restarts = new ArrayDeque<>();

  public RestartWindow(int intensity, Duration period) {
    this.intensity = intensity;
    this.periodNanos = period.toNanos();
  }

  /**
   * Records a restart at {@code nowNanos} and answers whether it exceeds the intensity: true when,
   * counting it, more than {@code intensity} restarts happened within the last {@code period}
   * (a restart exactly {@code period} ago still counts).
   */
  public boolean recordAndCheckExceeded(long nowNanos) {
    while (!restarts.isEmpty() && nowNanos - restarts.peekFirst() > periodNanos) {
      restarts.pollFirst();
    }
    restarts.addLast(nowNanos);
    return restarts.size() > intensity;
  }

  /** Restarts currently inside the window. */
  public int size() {
    return restarts.size();
  }
}
