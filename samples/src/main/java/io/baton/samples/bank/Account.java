package io.baton.samples.bank;

import io.baton.client.AppliedRequest;
import io.baton.client.IdempotencyLog;
import io.baton.client.IdempotentCommands.Decision;
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
 * A bank account: event-sourced, idempotent through {@link IdempotentCommands}. Every request
 * that changes it (open, deposit, withdraw) is applied at most once per idempotency key, and its
 * outcome, a refusal included, is recorded in the same event: a withdrawal refused for
 * insufficient funds stays refused for that key even if money arrives later, so that a late
 * duplicate can never turn a refusal the caller acted on into a debit. Reads are answered and not
 * recorded.
 */
public final class Account
    extends EventSourcedBehavior<Account.Command, Account.Event, Account.State> {

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "account");

  public sealed interface Command extends ClusterSerializable {}

  /** The one command clients send: a request with its reply address. */
  public record Execute(Request<AccountOperation> request,
      ActorRef<Reply<AccountOutcome>> replyTo) implements Command {}

  /** Stops the entity (a crash, as far as its state is concerned); it recovers on next use. */
  public record Stop() implements Command {}

  public sealed interface Event extends ClusterSerializable {}

  public record Opened(AppliedRequest<AccountOutcome> applied) implements Event {}

  public record Deposited(long amount, AppliedRequest<AccountOutcome> applied) implements Event {}

  public record Withdrawn(long amount, AppliedRequest<AccountOutcome> applied) implements Event {}

  /** A deposit or withdrawal refused, recorded so that every retry of it is refused the same. */
  public record Refused(AppliedRequest<AccountOutcome> applied) implements Event {}

  public record State(boolean open, long balance, IdempotencyLog<AccountOutcome> log)
      implements ClusterSerializable {
    State with(long newBalance, AppliedRequest<AccountOutcome> applied) {
      return new State(open, newBalance, log.record(applied));
    }
  }

  private final IdempotentCommands<State, AccountOutcome> idempotent;
  private final Retention retention;

  private Account(String accountId, Retention retention, Clock clock) {
    super(PersistenceId.of(TYPE_KEY.name(), accountId));
    this.retention = retention;
    this.idempotent = IdempotentCommands.create(State::log, clock);
  }

  /** An account with the default retention and the system clock. */
  public static Behavior<Command> create(String accountId) {
    return create(accountId, Retention.defaults(), Clock.systemUTC());
  }

  public static Behavior<Command> create(String accountId, Retention retention, Clock clock) {
    return new Account(accountId, retention, clock);
  }

  @Override
  public State emptyState() {
    return new State(false, 0, IdempotencyLog.create(retention));
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Execute.class, (state, cmd) -> {
          AccountOperation op = cmd.request().payload();
          if (op instanceof AccountOperation.Balance) {
            return Effect().reply(cmd.replyTo(), new Reply.Applied<>(
                cmd.request().requestId(), new AccountOutcome.Accepted(state.balance())));
          }
          return idempotent.handle(Effect(), state, cmd.request(), cmd.replyTo(),
              () -> decide(state, op));
        })
        .onCommand(Stop.class, (state, cmd) -> Effect().stop().thenNoReply())
        .build();
  }

  private static Decision<Event, AccountOutcome> decide(State state, AccountOperation op) {
    if (op instanceof AccountOperation.Open) {
      return state.open() ? Decision.reject("already-open")
          : Decision.apply(new AccountOutcome.Accepted(0), Opened::new);
    }
    long amount = op instanceof AccountOperation.Deposit d ? d.amount()
        : ((AccountOperation.Withdraw) op).amount();
    if (amount <= 0) {
      return Decision.reject("amount must be positive, was " + amount);
    }
    if (!state.open()) {
      return Decision.apply(
          new AccountOutcome.Refused(AccountOutcome.Refused.NOT_OPEN, state.balance()),
          Refused::new);
    }
    if (op instanceof AccountOperation.Deposit) {
      return Decision.apply(new AccountOutcome.Accepted(state.balance() + amount),
          applied -> new Deposited(amount, applied));
    }
    if (state.balance() < amount) {
      return Decision.apply(
          new AccountOutcome.Refused(AccountOutcome.Refused.INSUFFICIENT_FUNDS, state.balance()),
          Refused::new);
    }
    return Decision.apply(new AccountOutcome.Accepted(state.balance() - amount),
        applied -> new Withdrawn(amount, applied));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Opened.class, (state, e) ->
            new State(true, state.balance(), state.log().record(e.applied())))
        .onEvent(Deposited.class, (state, e) -> state.with(state.balance() + e.amount(),
            e.applied()))
        .onEvent(Withdrawn.class, (state, e) -> state.with(state.balance() - e.amount(),
            e.applied()))
        .onEvent(Refused.class, (state, e) -> state.with(state.balance(), e.applied()))
        .build();
  }
}
