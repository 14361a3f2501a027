package io.baton.journal;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * An ordinary event-sourced counter, written against Pekko's API only: nothing in it knows about
 * Baton. Its state keeps every increment in order, so a recovery that lost, duplicated or
 * reordered an event cannot go unnoticed.
 */
final class Counter extends EventSourcedBehavior<Counter.Command, Counter.Incremented,
    Counter.State> {

  /** Messages, events and state travel as JSON (bound in the test configuration). */
  interface Json {}

  sealed interface Command extends Json {}

  /** Adds {@code by}; replies with the state after the event is persisted. */
  record Increment(int by, ActorRef<State> replyTo) implements Command {}

  /** Replies with the current state. */
  record Get(ActorRef<State> replyTo) implements Command {}

  record Incremented(int by) implements Json {}

  record State(long total, List<Integer> increments) implements Json {
    State add(int by) {
      List<Integer> next = new ArrayList<>(increments);
      next.add(by);
      return new State(total + by, List.copyOf(next));
    }
  }

  private final int snapshotEvery;

  private Counter(String id, int snapshotEvery) {
    super(PersistenceId.ofUniqueId(id));
    this.snapshotEvery = snapshotEvery;
  }

  /** A counter that never snapshots. */
  static Behavior<Command> create(String id) {
    return new Counter(id, 0);
  }

  /**
   * A counter that snapshots every {@code snapshotEvery} events, keeps one snapshot and deletes
   * the events the snapshot covers: recovery then needs the snapshot store, and the journal's
   * highest sequence number after deletion.
   */
  static Behavior<Command> snapshotting(String id, int snapshotEvery) {
    return new Counter(id, snapshotEvery);
  }

  @Override
  public State emptyState() {
    return new State(0, List.of());
  }

  @Override
  public CommandHandler<Command, Incremented, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Increment.class, (state, cmd) -> Effect()
            .persist(new Incremented(cmd.by()))
            .thenReply(cmd.replyTo(), after -> after))
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), state))
        .build();
  }

  @Override
  public EventHandler<State, Incremented> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Incremented.class, (state, event) -> state.add(event.by()))
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return snapshotEvery == 0
        ? RetentionCriteria.disabled()
        : RetentionCriteria.snapshotEvery(snapshotEvery, 1).withDeleteEventsOnSnapshot();
  }
}
