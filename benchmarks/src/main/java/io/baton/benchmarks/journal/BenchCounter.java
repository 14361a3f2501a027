package io.baton.benchmarks.journal;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * The entity every journal benchmark drives: an ordinary event-sourced counter written against
 * Pekko's API only, identical for every journal compared. Its one event, {@link Incremented}, is a
 * small record serialized by Pekko's Jackson JSON serializer (bound to {@link Json} in the
 * benchmark's configuration), about ten bytes of payload.
 *
 * <p>Every reply carries the counter's total, which is also its highest sequence number (every
 * event adds one), so a driver knows which event each acknowledgement is for.
 */
final class BenchCounter
    extends EventSourcedBehavior<BenchCounter.Command, BenchCounter.Incremented, Long> {

  /** Marker of the types serialized with {@code jackson-json}. */
  interface Json {}

  sealed interface Command {}

  /** Persists one event; replies with the total (= its sequence number) once it is persisted. */
  record Increment(ActorRef<Long> replyTo) implements Command {}

  /** Persists {@code count} events in one atomic write; replies with the total. */
  record IncrementMany(int count, ActorRef<Long> replyTo) implements Command {}

  /** Replies with the total: the answer arrives once recovery is over. */
  record Get(ActorRef<Long> replyTo) implements Command {}

  /** Stops the entity; replies first. */
  record Stop(ActorRef<Done> replyTo) implements Command {}

  /** The event. */
  record Incremented(int by) implements Json {}

  private static final Incremented ONE = new Incremented(1);

  private BenchCounter(String persistenceId) {
    super(PersistenceId.ofUniqueId(persistenceId));
  }

  static Behavior<Command> create(String persistenceId) {
    return new BenchCounter(persistenceId);
  }

  @Override
  public Long emptyState() {
    return 0L;
  }

  @Override
  public CommandHandler<Command, Incremented, Long> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Increment.class, (total, cmd) -> Effect()
            .persist(ONE)
            .thenReply(cmd.replyTo(), after -> after))
        .onCommand(IncrementMany.class, (total, cmd) -> {
          List<Incremented> events = new ArrayList<>(cmd.count());
          for (int i = 0; i < cmd.count(); i++) {
            events.add(ONE);
          }
          return Effect().persist(events).thenReply(cmd.replyTo(), after -> after);
        })
        .onCommand(Get.class, (total, cmd) -> Effect().reply(cmd.replyTo(), total))
        .onCommand(Stop.class, (total, cmd) -> Effect()
            .stop()
            .thenReply(cmd.replyTo(), after -> Done.getInstance()))
        .build();
  }

  @Override
  public EventHandler<Long, Incremented> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Incremented.class, (total, event) -> total + event.by())
        .build();
  }
}
