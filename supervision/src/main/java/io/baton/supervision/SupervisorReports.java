package io.baton.supervision;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * Subscribes to the {@link SupervisorReport}s of every supervisor in an actor system.
 *
 * <p>Supervisors publish on the event stream synchronously, so that no report costs an extra
 * message hop on the restart path. Subscribe with this method rather than a typed {@code
 * EventStream.Subscribe} message: it takes effect before it returns, so a tree spawned right after
 * cannot report before the subscriber is there.
 */
public final class SupervisorReports {

  private SupervisorReports() {}

  /** From now on, {@code subscriber} receives every supervisor report, in the order made. */
  public static void subscribe(ActorSystem<?> system, ActorRef<SupervisorReport> subscriber) {
    Adapter.toClassic(system)
        .eventStream()
        .subscribe(Adapter.toClassic(subscriber), SupervisorReport.class);
  }

  /** Stops the reports to {@code subscriber}. */
  public static void unsubscribe(ActorSystem<?> system, ActorRef<SupervisorReport> subscriber) {
    Adapter.toClassic(system).eventStream().unsubscribe(Adapter.toClassic(subscriber));
  }
}
