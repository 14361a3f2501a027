package io.baton.client;

import io.baton.serialization.ClusterSerializable;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * A hostile-input target: it turns the tag it receives into a key of its event (a map from tags
 * to counts, as many real entities do), and writes a note of the requested size, in one event or
 * in several at once. So a long tag becomes a long property name, and a large note a large event.
 */
final class Notes extends EventSourcedBehavior<Notes.Command, Notes.Event, Notes.State> {

  static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "notes");

  /** What a client sends: a tag, and the size of the note the entity writes for it. */
  record Note(String tag, int noteChars, int events) implements ClusterSerializable {}

  sealed interface Command extends ClusterSerializable {}

  record Add(Request<Note> request, ActorRef<Reply<Integer>> replyTo) implements Command {}

  record Get(ActorRef<State> replyTo) implements Command {}

  record Stop() implements Command {}

  sealed interface Event extends ClusterSerializable {}

  record Tagged(Map<String, Integer> added, String note, AppliedRequest<Integer> applied)
      implements Event {}

  record State(Map<String, Integer> tags, int events, IdempotencyLog<Integer> log)
      implements ClusterSerializable {}

  private final IdempotentCommands<State, Integer> idempotent =
      IdempotentCommands.create(State::log, Clock.systemUTC());

  private Notes(String id) {
    super(PersistenceId.of("notes", id));
  }

  static Behavior<Command> create(String id) {
    return new Notes(id);
  }

  @Override
  public State emptyState() {
    return new State(Map.of(), 0, IdempotencyLog.create(Retention.defaults()));
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(Add.class, (state, cmd) -> {
          Note note = cmd.request().payload();
          int count = Math.max(1, note.events());
          if (count == 1) {
            return idempotent.handle(Effect(), state, cmd.request(), cmd.replyTo(), () ->
                IdempotentCommands.Decision.apply(state.events() + 1,
                    applied -> new Tagged(Map.of(note.tag(), 1), "n".repeat(note.noteChars()),
                        applied)));
          }
          // Several events at once (persistAll), the last one carrying the request's record.
          AppliedRequest<Integer> applied = new AppliedRequest<>(cmd.request().requestId(),
              state.events() + count, System.currentTimeMillis());
          List<Event> events = new java.util.ArrayList<>();
          for (int i = 0; i < count; i++) {
            events.add(new Tagged(Map.of(note.tag(), 1), "n".repeat(note.noteChars()),
                i == count - 1 ? applied : null));
          }
          return Effect().persist(events).thenReply(cmd.replyTo(),
              after -> new Reply.Applied<>(applied.requestId(), after.events()));
        })
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), state))
        .onCommand(Stop.class, (state, cmd) -> Effect().stop().thenNoReply())
        .build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(Tagged.class, (state, event) -> {
          Map<String, Integer> tags = new HashMap<>(state.tags());
          event.added().forEach((tag, n) -> tags.merge(tag, n, Integer::sum));
          return new State(Map.copyOf(tags), state.events() + 1,
              event.applied() == null ? state.log() : state.log().record(event.applied()));
        })
        .build();
  }
}
