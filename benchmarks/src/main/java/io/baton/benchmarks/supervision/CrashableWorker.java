package io.baton.benchmarks.supervision;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The child that both Baton and Pekko supervise in the restart benchmarks: each incarnation
 * announces itself to an observer when it starts, crashes on {@link Crash} and answers {@link
 * Ping}. The same code runs on both sides of every comparison.
 */
final class CrashableWorker {

  private CrashableWorker() {}

  /** What a worker accepts. */
  sealed interface Command permits Crash, Ping {}

  /** Throw {@link #CRASH} from the message handler. */
  enum Crash implements Command {
    INSTANCE
  }

  /** Answer {@link Answered} to {@code replyTo}. */
  record Ping(ActorRef<Observation> replyTo) implements Command {}

  /** What a worker tells its observer. */
  sealed interface Observation permits Announced, Answered {}

  /** Incarnation {@code worker} of the worker at {@code index} has started. */
  record Announced(int index, ActorRef<Command> worker) implements Observation {}

  /** Incarnation {@code worker} of the worker at {@code index} answered a {@link Ping}. */
  record Answered(int index, ActorRef<Command> worker) implements Observation {}

  /**
   * The crash, made once and without a stack trace: a crash in a real system has one, but filling
   * it in costs the same on both sides and is not what these benchmarks compare.
   */
  static final RuntimeException CRASH = new RequestedCrash();

  private static final class RequestedCrash extends RuntimeException {
    RequestedCrash() {
      super("crash requested by the benchmark", null, false, false);
    }
  }

  /** A worker at {@code index} that announces each of its incarnations to {@code observer}. */
  static Behavior<Command> create(int index, ActorRef<Observation> observer) {
    return Behaviors.setup(
        context -> {
          observer.tell(new Announced(index, context.getSelf()));
          return Behaviors.receive(Command.class)
              .onMessage(
                  Crash.class,
                  crash -> {
                    throw CRASH;
                  })
              .onMessage(
                  Ping.class,
                  ping -> {
                    ping.replyTo().tell(new Answered(index, context.getSelf()));
                    return Behaviors.same();
                  })
              .build();
        });
  }
}
