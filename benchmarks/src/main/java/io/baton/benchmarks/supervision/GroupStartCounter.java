package io.baton.benchmarks.supervision;

import io.baton.benchmarks.supervision.CrashableWorker.Announced;
import io.baton.benchmarks.supervision.CrashableWorker.Command;
import io.baton.benchmarks.supervision.CrashableWorker.Observation;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Counts worker starts and, each time a whole group of {@code groupSize} has started, hands the
 * newest incarnation of the worker at {@code watchedIndex} (the next one to crash) to the waiting
 * benchmark thread.
 *
 * <p>Counting needs no reset between operations: the benchmark crashes one worker only after the
 * previous group has completely started, so every group is exactly {@code groupSize} starts.
 */
final class GroupStartCounter extends AbstractBehavior<Observation> {

  private final int groupSize;
  private final int watchedIndex;
  private final HandOff<ActorRef<Command>> groupStarted;
  private int started;
  private ActorRef<Command> watched;

  static Behavior<Observation> create(
      int groupSize, int watchedIndex, HandOff<ActorRef<Command>> groupStarted) {
    return Behaviors.setup(
        context -> new GroupStartCounter(context, groupSize, watchedIndex, groupStarted));
  }

  private GroupStartCounter(
      ActorContext<Observation> context,
      int groupSize,
      int watchedIndex,
      HandOff<ActorRef<Command>> groupStarted) {
    super(context);
    this.groupSize = groupSize;
    this.watchedIndex = watchedIndex;
    this.groupStarted = groupStarted;
  }

  @Override
  public Receive<Observation> createReceive() {
    return newReceiveBuilder().onMessage(Announced.class, this::onAnnounced).build();
  }

  private Behavior<Observation> onAnnounced(Announced announced) {
    if (announced.index() == watchedIndex) {
      watched = announced.worker();
    }
    if (++started == groupSize) {
      started = 0;
      groupStarted.offer(watched);
    }
    return this;
  }
}
