package io.baton.samples.bank;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.client.AppliedRequest;
import io.baton.client.IdempotencyLog;
import io.baton.client.IdempotentCommands.Decision;
import io.baton.client.IdempotentCommands;
import io.baton.client.Reply;
import io.baton.client.Request;
import io.baton.client.Retention;
import io.baton.serialization.ClusterSerializable;
import io.baton.upgrade.MigratedBy;
import io.baton.upgrade.SchemaMigration;
import io.baton.upgrade.SchemaVersions;
import java.time.Clock;
import java.util.function.IntSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * A bank account, release 2: event-sourced, idempotent through {@link IdempotentCommands}, with an
 * overdraft limit. Every request that changes it (open, deposit, withdraw, set the overdraft
 * limit) is applied at most once per idempotency key, and its outcome, a refusal included, is
 * recorded in the same event. Reads are answered and not recorded.
 *
 * <p>What changed since release 1, and how release 2 stays readable by release 1 while the
 * cluster is mixed (the events' and state's {@link SchemaMigration}s below):
 *
 * <ul>
 *   <li>{@link Deposited} and {@link Withdrawn} name their amount {@code amountInCents} (release 1:
 *       {@code amount}): schema version 2, renamed back when written at version 1;
 *   <li>{@link State} has an {@code overdraftLimit} (version 2; release-1 data reads as limit 0,
 *       and the limit is left out when the state is written at version 1);
 *   <li>{@link OverdraftLimitSet} is new: it has no version release 1 reads, so it is only
 *       persisted once every node reads version 2 of the state (the active version, from the
 *       cluster's version gate); until then {@link AccountOperation.SetOverdraftLimit} is rejected
 *       ({@link #RELEASE_2_PENDING}) and nothing is recorded.
 * </ul>
 *
 * <p>A withdrawal is accepted while the balance after it stays at or above minus the limit. A
 * transfer's debit is a withdrawal, so it may use the overdraft; its credit is a deposit; money
 * only moves, the total of all balances stays what was deposited.
 */
public final class Account
    extends EventSourcedBehavior<Account.Command, Account.Event, Account.State> {

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "account");

  /** The reason a {@link AccountOperation.SetOverdraftLimit} is rejected while mixed. */
  public static final String RELEASE_2_PENDING =
      "overdraft limits are available once every node runs bank release 2";

  public sealed interface Command extends ClusterSerializable {}

  /** The one command clients send: a request with its reply address. */
  public record Execute(Request<AccountOperation> request,
      ActorRef<Reply<AccountOutcome>> replyTo) implements Command {}

  /** Stops the entity (a crash, as far as its state is concerned); it recovers on next use. */
  public record Stop() implements Command {}

  public sealed interface Event extends ClusterSerializable {}

  public record Opened(AppliedRequest<AccountOutcome> applied) implements Event {}

  /** Money in. Schema version 2: release 1 named the amount {@code amount}. */
  @MigratedBy(AmountRenamed.class)
  public record Deposited(long amountInCents, AppliedRequest<AccountOutcome> applied)
      implements Event {}

  /** Money out, possibly into the overdraft. Version 2, as {@link Deposited}. */
  @MigratedBy(AmountRenamed.class)
  public record Withdrawn(long amountInCents, AppliedRequest<AccountOutcome> applied)
      implements Event {}

  /** A deposit or withdrawal refused, recorded so that every retry of it is refused the same. */
  public record Refused(AppliedRequest<AccountOutcome> applied) implements Event {}

  /** New in release 2: persisted only once every node reads version 2 of {@link State}. */
  public record OverdraftLimitSet(long limit, AppliedRequest<AccountOutcome> applied)
      implements Event {}

  /** Version 2: release 1's state had no overdraft limit. */
  @MigratedBy(OverdraftLimitAdded.class)
  public record State(boolean open, long balance, long overdraftLimit,
      IdempotencyLog<AccountOutcome> log) implements ClusterSerializable {
    State with(long newBalance, AppliedRequest<AccountOutcome> applied) {
      return new State(open, newBalance, overdraftLimit, log.record(applied));
    }
  }

  /** {@code amount} (version 1) became {@code amountInCents} (version 2). */
  public static final class AmountRenamed extends SchemaMigration {
    @Override
    public int currentVersion() {
      return 2;
    }

    @Override
    public int oldestWritableVersion() {
      return 1;
    }

    @Override
    public JsonNode upgrade(int fromVersion, JsonNode json) {
      ObjectNode node = (ObjectNode) json;
      node.set("amountInCents", node.remove("amount"));
      return node;
    }

    @Override
    public JsonNode downgrade(int toVersion, JsonNode json) {
      ObjectNode node = (ObjectNode) json;
      node.set("amount", node.remove("amountInCents"));
      return node;
    }
  }

  /**
   * Version 2 of the state has {@code overdraftLimit}: 0 for release-1 data. Written down for
   * release 1 without it; no limit is ever set while release 1 may read the state.
   */
  public static final class OverdraftLimitAdded extends SchemaMigration {
    @Override
    public int currentVersion() {
      return 2;
    }

    @Override
    public int oldestWritableVersion() {
      return 1;
    }

    @Override
    public JsonNode upgrade(int fromVersion, JsonNode json) {
      return ((ObjectNode) json).put("overdraftLimit", 0L);
    }

    @Override
    public JsonNode downgrade(int toVersion, JsonNode json) {
      ObjectNode node = (ObjectNode) json;
      node.remove("overdraftLimit");
      return node;
    }
  }

  private final IdempotentCommands<State, AccountOutcome> idempotent;
  private final Retention retention;
  private final IntSupplier activeStateVersion;

  private Account(String accountId, Retention retention, Clock clock,
      IntSupplier activeStateVersion) {
    super(PersistenceId.of(TYPE_KEY.name(), accountId));
    this.retention = retention;
    this.activeStateVersion = activeStateVersion;
    this.idempotent = IdempotentCommands.create(State::log, clock);
  }

  /** An account with the default retention and the system clock. */
  public static Behavior<Command> create(String accountId) {
    return create(accountId, Retention.defaults(), Clock.systemUTC());
  }

  /**
   * An account that offers overdraft limits when its node writes version 2 of {@link State}, that
   * is once the cluster's version gate saw every member read it.
   */
  public static Behavior<Command> create(String accountId, Retention retention, Clock clock) {
    return Behaviors.setup(context -> {
      SchemaVersions versions = SchemaVersions.get(context.getSystem());
      return new Account(accountId, retention, clock,
          () -> versions.activeVersionOf(State.class));
    });
  }

  @Override
  public State emptyState() {
    return new State(false, 0, 0, IdempotencyLog.create(retention));
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
              () -> decide(state, op, activeStateVersion));
        })
        .onCommand(Stop.class, (state, cmd) -> Effect().stop().thenNoReply())
        .build();
  }

  /** What {@code op} does to an account in {@code state}: the event to record, or a rejection. */
  static Decision<Event, AccountOutcome> decide(State state, AccountOperation op,
      IntSupplier activeStateVersion) {
    if (op instanceof AccountOperation.Open) {
      return state.open() ? Decision.reject("already-open")
          : Decision.apply(new AccountOutcome.Accepted(0), Opened::new);
    }
    if (op instanceof AccountOperation.SetOverdraftLimit set) {
      if (set.limit() < 0) {
        return Decision.reject("the overdraft limit must be zero or more, was " + set.limit());
      }
      if (activeStateVersion.getAsInt() < 2) {
        // Release 1 could not keep the limit (version 1 of the state has no place for it), nor
        // read the event: refuse without recording anything, so that a retry after the upgrade
        // is decided afresh.
        return Decision.reject(RELEASE_2_PENDING);
      }
      if (!state.open()) {
        return Decision.apply(
            new AccountOutcome.Refused(AccountOutcome.Refused.NOT_OPEN, state.balance()),
            Refused::new);
      }
      return Decision.apply(new AccountOutcome.Accepted(state.balance()),
          applied -> new OverdraftLimitSet(set.limit(), applied));
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
    if (state.balance() - amount < -state.overdraftLimit()) {
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
        .onEvent(Opened.class, (state, e) -> new State(true, state.balance(),
            state.overdraftLimit(), state.log().record(e.applied())))
        .onEvent(Deposited.class, (state, e) -> state.with(state.balance() + e.amountInCents(),
            e.applied()))
        .onEvent(Withdrawn.class, (state, e) -> state.with(state.balance() - e.amountInCents(),
            e.applied()))
        .onEvent(Refused.class, (state, e) -> state.with(state.balance(), e.applied()))
        .onEvent(OverdraftLimitSet.class, (state, e) -> new State(state.open(), state.balance(),
            e.limit(), state.log().record(e.applied())))
        .build();
  }
}
