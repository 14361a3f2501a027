package io.baton.client;

import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * All the time {@link BatonClient} uses, in one injectable place: a monotonic clock for its
 * deadlines and backoff, a wall clock only to stamp requests (which cross JVMs), and a scheduler
 * for delays. The retry logic never reads the system clock itself, so tests drive it by hand.
 */
public interface ClientTime {

  /** Monotonic nanoseconds, as {@link System#nanoTime()}: only differences mean anything. */
  long nanoTime();

  /** Wall-clock milliseconds since the epoch, to stamp {@link Request}s. */
  long currentTimeMillis();

  /** Runs {@code task} once, {@code delay} from now (on any thread). */
  void schedule(Duration delay, Runnable task);

  /** The JVM's clocks and the actor system's scheduler. */
  static ClientTime of(ActorSystem<?> system) {
    return new ClientTime() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public long currentTimeMillis() {
        return System.currentTimeMillis();
      }

      @Override
      public void schedule(Duration delay, Runnable task) {
        system.scheduler().scheduleOnce(delay, task, system.executionContext());
      }
    };
  }

  /** The JVM's clocks and {@code scheduler} (a client used outside an actor system). */
  static ClientTime of(java.util.concurrent.ScheduledExecutorService scheduler) {
    return new ClientTime() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public long currentTimeMillis() {
        return System.currentTimeMillis();
      }

      @Override
      public void schedule(Duration delay, Runnable task) {
        scheduler.schedule(task, delay.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
      }
    };
  }
}
