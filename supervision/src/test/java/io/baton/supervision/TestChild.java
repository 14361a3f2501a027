package io.baton.supervision;

import io.baton.process.ExitReason;
import io.baton.process.ExitSignal;
import io.baton.process.Links;
import io.baton.process.ProcessExit;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A child that does what a test tells it: crash, exit with a reason, trap exits, fail or ignore
 * its start, or refuse to stop. It writes "start id", "stop id" and "exit id:reason" to a log.
 */
final class TestChild {

  sealed interface Msg {}

  record Crash(String why) implements Msg {}

  record ExitWith(ExitReason reason) implements Msg {}

  record StopNormally() implements Msg {}

  record Ping(ActorRef<String> replyTo) implements Msg {}

  record Trapped(ExitSignal signal) implements Msg {}

  record LinkTo(ActorRef<?> other) implements Msg {}

  /** How a start goes. */
  enum StartMode {
    OK,
    FAIL,
    IGNORE
  }

  /** A line of the log, with the child that wrote it. */
  record Event(String text, ActorRef<Msg> child) {}

  /** What to do on a shutdown exit signal when trapping exits. */
  enum OnShutdown {
    STOP,
    IGNORE,
    CRASH
  }

  private TestChild() {}

  static Behavior<Msg> create(String id, ActorRef<Event> log) {
    return create(id, log, () -> StartMode.OK, false, OnShutdown.STOP);
  }

  static Behavior<Msg> trapping(String id, ActorRef<Event> log, OnShutdown onShutdown) {
    return create(id, log, () -> StartMode.OK, true, onShutdown);
  }

  static Behavior<Msg> create(
      String id,
      ActorRef<Event> log,
      Supplier<StartMode> startMode,
      boolean trapExits,
      OnShutdown onShutdown) {
    return Behaviors.setup(
        context -> {
          StartMode mode = startMode.get();
          if (mode == StartMode.FAIL) {
            throw new IllegalStateException("start of " + id + " failed");
          }
          if (mode == StartMode.IGNORE) {
            log.tell(new Event("ignore " + id, context.getSelf()));
            return Behaviors.stopped();
          }
          if (trapExits) {
            Links.trapExits(context, Trapped::new);
          }
          log.tell(new Event("start " + id, context.getSelf()));
          return Behaviors.receive(Msg.class)
              .onMessage(
                  Crash.class,
                  crash -> {
                    throw new IllegalStateException(crash.why());
                  })
              .onMessage(
                  ExitWith.class,
                  exit -> {
                    throw new ProcessExit(exit.reason());
                  })
              .onMessage(StopNormally.class, stop -> Behaviors.stopped())
              .onMessage(
                  LinkTo.class,
                  link -> {
                    Links.link(context, link.other());
                    log.tell(new Event("linked " + id, context.getSelf()));
                    return Behaviors.same();
                  })
              .onMessage(
                  Ping.class,
                  ping -> {
                    ping.replyTo().tell("pong " + id);
                    return Behaviors.same();
                  })
              .onMessage(
                  Trapped.class,
                  trapped -> {
                    log.tell(
                        new Event(
                            "exit " + id + ":" + Reports.describe(trapped.signal().reason()),
                            context.getSelf()));
                    if (trapped.signal().reason() instanceof ExitReason.Shutdown) {
                      if (onShutdown == OnShutdown.STOP) {
                        return Behaviors.stopped();
                      } else if (onShutdown == OnShutdown.CRASH) {
                        throw new IllegalStateException("crashed while stopping");
                      }
                    }
                    return Behaviors.same();
                  })
              .onSignal(
                  PostStop.class,
                  stop -> {
                    log.tell(new Event("stop " + id, context.getSelf()));
                    return Behaviors.same();
                  })
              .build();
        });
  }
}
