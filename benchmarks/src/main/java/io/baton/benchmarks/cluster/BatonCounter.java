package io.baton.benchmarks.cluster;

import io.baton.client.AppliedRequest;
import io.baton.client.IdempotencyLog;
import io.baton.client.IdempotentCommands;
import io.baton.client.Reply;
import io.baton.client.Request;
import io.baton.client.Retention;
import io.baton.serialization.ClusterSerializable;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * The counter of the Baton target: an ordinary {@code EventSourcedBehavior} made idempotent with
 * {@link IdempotentCommands}, as a Baton user writes it. An increment persists one event and is
 * applied at most once per idempotency key, however many of the client's retries reach it; a read
 * is answered and not recorded. Every answer names the node the entity runs on.
 */
final class BatonCounter
    extends EventSourcedBehavior<BatonCounter.Command, BatonCounter.Incremented,
        BatonCounter.State> {

  static final EntityTypeKey<Command> KEY = EntityTypeKey.create(Command.class, "bench-counter");

  sealed interface Command extends ClusterSerializable {}

  /** The one command: a client's request with its reply address. */
  record Execute(Request<CounterOp> request, ActorRef<Reply<CounterValue>> replyTo)
      implements Command {}

  /** One increment, with the request it applied. */
  record Incremented(AppliedRequest<CounterValue> applied) implements ClusterSerializable {}

  record State(long count, IdempotencyLog<CounterValue> log) implements ClusterSerializable {}

  private final String node;
  private final IdempotentCommands<State, CounterValue> idempotent =
      IdempotentCommands.create(State::log, Clock.systemUTC());

  private BatonCounter(String entityId, String node) {
    super(PersistenceId.of(KEY.name(), entityId));
    this.node = node;
  }

  static Behavior<Command> create(String entityId, String node) {
    return new BatonCounter(entityId, node);
  }

  @Override
  public State emptyState() {
    return new State(0, IdempotencyLog.create(Retention.defaults()));
  }

  @Override
  public CommandHandler<Command, Incremented, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Execute.class, (state, cmd) -> {
          if (cmd.request().payload() == CounterOp.GET) {
            return Effect().reply(cmd.replyTo(), new Reply.Applied<>(
                cmd.request().requestId(), new CounterValue(state.count(), node)));
          }
          return idempotent.handle(Effect(), state, cmd.request(), cmd.replyTo(),
              () -> IdempotentCommands.Decision.apply(
                  new CounterValue(state.count() + 1, node), Incremented::new));
        })
        .build();
  }

  @Override
  public EventHandler<State, Incremented> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Incremented.class, (state, event) ->
            new State(state.count() + 1, state.log().record(event.applied())))
        .build();
  }
}
