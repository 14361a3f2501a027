package io.baton.ops;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/** The smallest event-sourced entity: each {@link Add} persists one event and replies with the total. */
final class Tally extends EventSourcedBehavior<Tally.Add, Tally.Added, Long> {

  /** Bound to jackson-json in the tests' configuration. */
  interface Json {}

  record Add(long by, ActorRef<Long> replyTo) implements Json {}

  record Added(long by) implements Json {}

  private Tally(String id) {
    super(PersistenceId.ofUniqueId(id));
  }

  static Behavior<Add> create(String id) {
    return new Tally(id);
  }

  @Override
  public Long emptyState() {
    return 0L;
  }

  @Override
  public CommandHandler<Add, Added, Long> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(Add.class, (total, add) -> Effect().persist(new Added(add.by()))
            .thenReply(add.replyTo(), after -> after))
        .build();
  }

  @Override
  public EventHandler<Long, Added> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(Added.class, (total, added) -> total + added.by())
        .build();
  }
}
