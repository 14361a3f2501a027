package io.baton.client;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The command-handler side of idempotency, for any {@code EventSourcedBehavior} that keeps an
 * {@link IdempotencyLog} in its state. The behaviour keeps its own commands, events and state; it
 * adds a log to the state, an {@link AppliedRequest} to the events that apply requests, and calls
 * {@link #handle} from its command handler:
 *
 * <ol>
 *   <li>the request id is in the log: reply {@link Reply.AlreadyApplied} with the recorded result,
 *       persist nothing; unless the record's payload digest differs from this request's payload:
 *       then the key was reused for another request, and the reply is {@link Reply.Rejected}
 *       ({@link Reply.Rejected#KEY_REUSED});
 *   <li>it is not, but was issued at or before the log's horizon: reply {@link Reply.Rejected}
 *       ({@link Reply.Rejected#BEYOND_RETENTION}), as its record may have been dropped;
 *   <li>its deadline has passed: reply {@link Reply.Rejected} ({@link
 *       Reply.Rejected#DEADLINE_PASSED}); the caller has given up, so nothing is applied unseen;
 *   <li>otherwise ask the behaviour's {@link Decision}: {@link Decision#apply} persists one event
 *       that carries the {@link AppliedRequest} (the event handler records it in the log) and then
 *       replies {@link Reply.Applied}; {@link Decision#reject} replies {@link Reply.Rejected} and
 *       persists nothing.
 * </ol>
 *
 * <p>Why a duplicate cannot slip in between: Pekko stashes the entity's commands while an event is
 * being persisted and runs the event handler before the next one, so the second delivery of a
 * request always sees the log that records the first.
 *
 * <p>The clock is the entity's wall clock ({@link Clock#systemUTC()} in production); it stamps
 * {@link AppliedRequest#appliedAtMillis()} and checks deadlines. Pass a fixed or test clock in
 * tests.
 *
 * @param <State> the behaviour's state type
 * @param <R> the result type of its requests
 */
public final class IdempotentCommands<State, R> {

  /**
   * What the behaviour decides for a request that is new to it.
   *
   * @param <Event> the behaviour's event type
   * @param <R> the result type
   */
  public sealed interface Decision<Event, R> {

    /**
     * Apply the request: persist the event {@code event} builds from the record (the event must
     * carry it, and the event handler must add it to the log), and answer {@code result}.
     */
    static <Event, R> Decision<Event, R> apply(R result,
        Function<AppliedRequest<R>, Event> event) {
      return new Apply<>(result, event);
    }

    /**
     * Refuse the request on the behaviour's own grounds; nothing is persisted or recorded, so a
     * later duplicate of it is decided again against the state of that time.
     */
    static <Event, R> Decision<Event, R> reject(String reason) {
      return new Reject<>(reason);
    }

    /** See {@link Decision#apply}. */
    record Apply<Event, R>(R result, Function<AppliedRequest<R>, Event> event)
        implements Decision<Event, R> {
      public Apply {
        Objects.requireNonNull(event, "event");
      }
    }

    /** See {@link Decision#reject}. */
    record Reject<Event, R>(String reason) implements Decision<Event, R> {
      public Reject {
        Objects.requireNonNull(reason, "reason");
      }
    }
  }

  private final Function<State, IdempotencyLog<R>> logOf;
  private final Clock clock;

  private IdempotentCommands(Function<State, IdempotencyLog<R>> logOf, Clock clock) {
    this.logOf = Objects.requireNonNull(logOf, "logOf");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Idempotent handling for a behaviour whose state holds its log where {@code logOf} finds it.
   */
  public static <State, R> IdempotentCommands<State, R> create(
      Function<State, IdempotencyLog<R>> logOf, Clock clock) {
    return new IdempotentCommands<>(logOf, clock);
  }

  /**
   * Handles {@code request} once: see the class comment for the order of the checks.
   * {@code decide} runs only for a request that is new and in time.
   *
   * @throws IllegalStateException (from the reply, after persisting) if the event handler did not
   *     record the request in the log: the behaviour is wired wrongly and would apply retries
   *     again.
   */
  public <Event> ReplyEffect<Event, State> handle(EffectFactories<Event, State> effects,
      State state, Request<?> request, ActorRef<Reply<R>> replyTo,
      Supplier<Decision<Event, R>> decide) {
    IdempotencyLog<R> log = logOf.apply(state);
    String id = request.requestId();
    Optional<AppliedRequest<R>> recorded = log.lookup(id);
    String digest = PayloadDigest.of(request.payload());
    if (recorded.isPresent()) {
      String first = recorded.get().payloadDigest();
      if (first != null && digest != null && !first.equals(digest)) {
        return effects.reply(replyTo, new Reply.Rejected<>(id, Reply.Rejected.KEY_REUSED));
      }
      return effects.reply(replyTo, new Reply.AlreadyApplied<>(id, recorded.get().result()));
    }
    if (log.mayHaveForgotten(request)) {
      return effects.reply(replyTo, new Reply.Rejected<>(id, Reply.Rejected.BEYOND_RETENTION));
    }
    long now = clock.millis();
    if (now > request.deadlineMillis()) {
      return effects.reply(replyTo, new Reply.Rejected<>(id, Reply.Rejected.DEADLINE_PASSED));
    }
    Decision<Event, R> decision = Objects.requireNonNull(decide.get(), "decision");
    if (decision instanceof Decision.Reject<Event, R> reject) {
      return effects.reply(replyTo, new Reply.Rejected<>(id, reject.reason()));
    }
    Decision.Apply<Event, R> apply = (Decision.Apply<Event, R>) decision;
    Event event = apply.event().apply(new AppliedRequest<>(id, apply.result(), now, digest));
    return effects.persist(event).thenReply(replyTo, after -> {
      AppliedRequest<R> stored = logOf.apply(after).lookup(id).orElseThrow(() ->
          new IllegalStateException("request " + id + " was persisted but the event handler did"
              + " not record it in the IdempotencyLog: call log.record(event's AppliedRequest)"
              + " in the event handler, or retries of it will be applied again"));
      return new Reply.Applied<>(id, stored.result());
    });
  }
}
