package io.baton.benchmarks.cluster;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * The counter of the stock Pekko targets: a plain {@code EventSourcedBehavior} written against
 * Pekko's API only, with no idempotency (a stock application has none): an increment persists one
 * event and replies with the count and the node it runs on. Its messages are bound to Pekko's
 * Jackson CBOR serializer by the node's configuration ({@link StockBenchNode}), through the marker
 * {@link Message}.
 */
final class StockCounter
    extends EventSourcedBehavior<StockCounter.Command, StockCounter.Incremented, Long> {

  static final EntityTypeKey<Command> KEY = EntityTypeKey.create(Command.class, "bench-counter");

  /** Marker of every type that crosses nodes or goes to the journal (Jackson CBOR). */
  interface Message {}

  sealed interface Command extends Message {}

  record Increment(ActorRef<Value> replyTo) implements Command {}

  record Get(ActorRef<Value> replyTo) implements Command {}

  /** The answer: the count after the command, and the node the entity runs on. */
  record Value(long count, String node) implements Message {}

  record Incremented() implements Message {}

  private final String node;

  private StockCounter(String entityId, String node) {
    super(PersistenceId.of(KEY.name(), entityId));
    this.node = node;
  }

  static Behavior<Command> create(String entityId, String node) {
    return new StockCounter(entityId, node);
  }

  @Override
  public Long emptyState() {
    return 0L;
  }

  @Override
  public CommandHandler<Command, Incremented, Long> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Increment.class, (count, cmd) -> Effect()
            .persist(new Incremented())
            .thenReply(cmd.replyTo(), after -> new Value(after, node)))
        .onCommand(Get.class, (count, cmd) -> Effect().reply(cmd.replyTo(),
            new Value(count, node)))
        .build();
  }

  @Override
  public EventHandler<Long, Incremented> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Incremented.class, (count, event) -> count + 1)
        .build();
  }
}
