package io.baton.client;

import io.baton.serialization.ClusterSerializable;
import java.time.Clock;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * An ordinary event-sourced account made idempotent: its own commands, events and state, plus an
 * IdempotencyLog in the state and an AppliedRequest in the event. The guide quotes it.
 */
final class Account extends EventSourcedBehavior<Account.Command, Account.Event, Account.State> {

  static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "account");

  sealed interface Command extends ClusterSerializable {}

  // #commands
  /** Deposits the request's amount; the result is the balance after it. */
  record Deposit(Request<Long> request, ActorRef<Reply<Long>> replyTo) implements Command {}
  // #commands

  /** Replies with the state and this incarnation's id (new after every recovery). */
  record Get(ActorRef<Snapshot> replyTo) implements Command {}

  /** Stops the entity; the next message starts it again, from its events. */
  record Stop() implements Command {}

  record Snapshot(State state, String incarnation) implements ClusterSerializable {}

  sealed interface Event extends ClusterSerializable {}

  // #event-and-state
  /** The account's own event, carrying the record of the request it applied. */
  record Deposited(long amount, AppliedRequest<Long> applied) implements Event {}

  /** The account's own state, with the log of applied requests next to it. */
  record State(long balance, int deposits, IdempotencyLog<Long> log)
      implements ClusterSerializable {}
  // #event-and-state

  private final Retention retention;
  private final IdempotentCommands<State, Long> idempotent;
  private final String incarnation = UUID.randomUUID().toString();

  private Account(String accountId, Retention retention, Clock clock) {
    super(PersistenceId.of("account", accountId));
    this.retention = retention;
    this.idempotent = IdempotentCommands.create(State::log, clock);
  }

  static Behavior<Command> create(String accountId, Retention retention, Clock clock) {
    return new Account(accountId, retention, clock);
  }

  @Override
  public State emptyState() {
    return new State(0, 0, IdempotencyLog.create(retention));
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        // #handler
        .onCommand(Deposit.class, (state, cmd) -> idempotent.handle(Effect(), state,
            cmd.request(), cmd.replyTo(), () -> {
              long amount = cmd.request().payload();
              if (amount <= 0) {
                return IdempotentCommands.Decision.reject("amount must be positive");
              }
              return IdempotentCommands.Decision.apply(state.balance() + amount,
                  applied -> new Deposited(amount, applied));
            }))
        // #handler
        .onCommand(Get.class, (state, cmd) ->
            Effect().reply(cmd.replyTo(), new Snapshot(state, incarnation)))
        .onCommand(Stop.class, (state, cmd) -> Effect().stop())
        .build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        // #event-handler
        .onEvent(Deposited.class, (state, event) -> new State(
            state.balance() + event.amount(),
            state.deposits() + 1,
            state.log().record(event.applied())))
        // #event-handler
        .build();
  }
}
