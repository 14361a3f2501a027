package io.baton.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/** Time that moves only when the test says so; scheduled tasks run, in order, as it passes. */
final class ManualClientTime implements ClientTime {

  private record Task(long dueNanos, long order, Runnable run) {}

  private final PriorityQueue<Task> tasks = new PriorityQueue<>(
      Comparator.comparingLong(Task::dueNanos).thenComparingLong(Task::order));
  private long nanos;
  private long order;
  private final long wallOffsetMillis = 1_700_000_000_000L;

  @Override
  public synchronized long nanoTime() {
    return nanos;
  }

  @Override
  public synchronized long currentTimeMillis() {
    return wallOffsetMillis + nanos / 1_000_000;
  }

  @Override
  public synchronized void schedule(Duration delay, Runnable task) {
    tasks.add(new Task(nanos + delay.toNanos(), order++, task));
  }

  /** Moves time forward by {@code by}, running every task that falls due on the way. */
  void advance(Duration by) {
    long target;
    synchronized (this) {
      target = nanos + by.toNanos();
    }
    while (true) {
      Task next;
      synchronized (this) {
        next = tasks.peek();
        if (next == null || next.dueNanos() > target) {
          nanos = target;
          return;
        }
        tasks.poll();
        nanos = Math.max(nanos, next.dueNanos());
      }
      next.run().run();
    }
  }

  /** The due times, relative to now, of the pending tasks. */
  synchronized List<Duration> pending() {
    List<Duration> due = new ArrayList<>();
    for (Task t : tasks) {
      due.add(Duration.ofNanos(t.dueNanos() - nanos));
    }
    return due;
  }
}
