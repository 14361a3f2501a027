package io.baton.ring;

import io.baton.serialization.ClusterSerializable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * A sharded event-sourced counter: persists, then replies with its count and the node it runs
 * on, so a test sees where each entity lives and that no acknowledged increment is lost.
 */
final class ShardedCounter
    extends EventSourcedBehavior<ShardedCounter.Command, ShardedCounter.Incremented,
        ShardedCounter.State> {

  static final EntityTypeKey<Command> KEY = EntityTypeKey.create(Command.class, "counter");

  sealed interface Command extends ClusterSerializable {}

  record Increment(ActorRef<Value> replyTo) implements Command {}

  record Get(ActorRef<Value> replyTo) implements Command {}

  record Value(long count, String node) implements ClusterSerializable {}

  record Incremented() implements ClusterSerializable {}

  record State(long count) implements ClusterSerializable {}

  private final String node;

  private ShardedCounter(String entityId, String node) {
    super(PersistenceId.of(KEY.name(), entityId));
    this.node = node;
  }

  static Behavior<Command> create(String entityId, String node) {
    return new ShardedCounter(entityId, node);
  }

  @Override
  public State emptyState() {
    return new State(0);
  }

  @Override
  public CommandHandler<Command, Incremented, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Increment.class, (state, cmd) -> Effect()
            .persist(new Incremented())
            .thenReply(cmd.replyTo(), after -> new Value(after.count(), node)))
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(),
            new Value(state.count(), node)))
        .build();
  }

  @Override
  public EventHandler<State, Incremented> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Incremented.class, (state, event) -> new State(state.count() + 1))
        .build();
  }
}
