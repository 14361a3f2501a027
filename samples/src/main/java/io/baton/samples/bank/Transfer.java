package io.baton.samples.bank;

import io.baton.client.BatonClient;
import io.baton.client.ClientResult;
import io.baton.client.Reply;
import io.baton.client.Request;
import io.baton.samples.bank.TransferStatus.Phase;
import io.baton.serialization.ClusterSerializable;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * A money transfer as a saga, one event-sourced entity per transfer id, that drives idempotent
 * steps against {@link Account}s and persists its progress after each one (see the package
 * comment for why no money is created or destroyed).
 *
 * <pre>
 *  NEW --order--> DEBITING --debit accepted--> CREDITING --credit accepted--> COMPLETED
 *                    |                             |
 *                    +--debit refused--> REFUSED   +--credit refused--> REFUNDING --> COMPENSATED
 * </pre>
 *
 * <p>In a phase that has a step ({@code DEBITING}, {@code CREDITING}, {@code REFUNDING}) the entity
 * sends that step's request through a {@link BatonClient} under a key derived from the transfer
 * id ({@code transfer:<id>:debit}, {@code :credit}, {@code :refund}), stamped with the time the
 * transfer was ordered, and pipes the outcome to itself ({@link StepEnded}). A known outcome is
 * persisted as an event that moves to the next phase, whose step then starts; an unknown one (no
 * answer before the client's deadline) is retried after {@code retryDelay}, with the same key. The
 * step is (re)started after every recovery too, so a transfer whose entity crashed resumes where
 * its events left it as soon as it starts again: in a node, its shard remembers it until it is
 * final ({@link Bank#transferEntity}), so the shard's new owner starts it unasked. An
 * outcome for a phase the transfer has left is ignored: a step may be in flight twice (after a
 * recovery and a retry), and the account answers both with the same recorded outcome.
 *
 * <p>Only the entity's own thread touches its state; the client's futures come back as messages.
 */
public final class Transfer
    extends EventSourcedBehavior<Transfer.Command, Transfer.Event, Transfer.State> {

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "transfer");

  public sealed interface Command extends ClusterSerializable {}

  /** The one command clients send: a request with its reply address. */
  public record Execute(Request<TransferOperation> request,
      ActorRef<Reply<TransferStatus>> replyTo) implements Command {}

  /** Stops the entity (a crash, as far as its state is concerned); it recovers on next use. */
  public record Stop() implements Command {}

  /** A step's outcome, piped from the client to the entity itself; never leaves the node. */
  record StepEnded(Phase phase, ClientResult<AccountOutcome> result) implements Command {}

  /** Retry the step of {@code phase}, if the transfer is still in it; sent to itself. */
  record Resume(Phase phase) implements Command {}

  /** Leave memory if there is nothing to drive (final or never ordered); sent to itself. */
  record Rest() implements Command {}

  public sealed interface Event extends ClusterSerializable {}

  public record Ordered(String from, String to, long amount, long orderedAtMillis)
      implements Event {}

  public record Debited(long sourceBalance) implements Event {}

  public record DebitRefused(String reason) implements Event {}

  public record Credited(long targetBalance) implements Event {}

  public record CreditRefused(String reason) implements Event {}

  public record Refunded(long sourceBalance) implements Event {}

  public record Stuck(String reason) implements Event {}

  public record State(Phase phase, String from, String to, long amount, long orderedAtMillis,
      String reason) implements ClusterSerializable {
    State to(Phase next) {
      return new State(next, from, to, amount, orderedAtMillis, reason);
    }

    State to(Phase next, String why) {
      return new State(next, from, to, amount, orderedAtMillis, why);
    }

    TransferStatus status() {
      return new TransferStatus(phase, from, to, amount, reason);
    }
  }

  private final String transferId;
  private final ActorContext<Command> context;
  private final BatonClient<AccountOperation, AccountOutcome> accounts;
  private final Clock clock;
  private final Duration retryDelay;
  private final ActorRef<ClusterSharding.ShardCommand> shard;

  /** How long a transfer with nothing to drive stays in memory before it passivates. */
  static final Duration REST_AFTER = Duration.ofSeconds(2);

  private Transfer(String transferId, ActorContext<Command> context,
      BatonClient<AccountOperation, AccountOutcome> accounts, Clock clock, Duration retryDelay,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    super(PersistenceId.of(TYPE_KEY.name(), transferId));
    this.transferId = transferId;
    this.context = context;
    this.accounts = accounts;
    this.clock = clock;
    this.retryDelay = retryDelay;
    this.shard = shard;
  }

  /**
   * A transfer that reaches accounts through {@code accounts} (in a node: a client over its own
   * {@code ShardingTransport}), and retries a step whose outcome is unknown after {@code
   * retryDelay}.
   */
  public static Behavior<Command> create(String transferId,
      BatonClient<AccountOperation, AccountOutcome> accounts, Clock clock, Duration retryDelay) {
    return Behaviors.setup(context ->
        new Transfer(transferId, context, accounts, clock, retryDelay, null));
  }

  /**
   * As {@link #create(String, BatonClient, Clock, Duration)}, for a sharded type that remembers
   * its entities ({@link Bank#transferEntity}): a transfer with nothing left to drive (final, or
   * never ordered) asks {@code shard} to passivate it {@link #REST_AFTER} later, which takes it off
   * the shard's list of remembered entities. Every transfer on that list is started again when
   * its shard starts on another node after a crash, and resumes its saga there, unasked.
   */
  public static Behavior<Command> create(String transferId,
      BatonClient<AccountOperation, AccountOutcome> accounts, Clock clock, Duration retryDelay,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(context ->
        new Transfer(transferId, context, accounts, clock, retryDelay, shard));
  }

  /** The key of one step of a transfer: the same in every attempt and every run of the saga. */
  public static String stepKey(String transferId, String step) {
    return "transfer:" + transferId + ":" + step;
  }

  @Override
  public State emptyState() {
    return new State(Phase.NEW, "", "", 0, 0, "");
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Execute.class, this::onExecute)
        .onCommand(StepEnded.class, this::onStepEnded)
        .onCommand(Resume.class, (state, resume) -> state.phase() == resume.phase()
            ? Effect().none().thenRun(this::drive) : Effect().none())
        .onCommand(Stop.class, (state, stop) -> Effect().stop())
        .onCommand(Rest.class, (state, rest) -> {
          if (shard != null && (state.phase() == Phase.NEW || state.phase().isFinal())) {
            shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
          }
          return Effect().none();
        })
        .build();
  }

  private Effect<Event, State> onExecute(State state, Execute cmd) {
    String id = cmd.request().requestId();
    if (cmd.request().payload() instanceof TransferOperation.Order order) {
      if (state.phase() == Phase.NEW) {
        if (order.amount() <= 0 || order.from().equals(order.to())) {
          return Effect().reply(cmd.replyTo(), new Reply.Rejected<>(id,
              "a transfer needs a positive amount and two different accounts"));
        }
        return Effect().persist(new Ordered(order.from(), order.to(), order.amount(),
                clock.millis()))
            .thenRun(this::drive)
            .thenReply(cmd.replyTo(), after -> new Reply.Applied<>(id, after.status()));
      }
      if (state.from().equals(order.from()) && state.to().equals(order.to())
          && state.amount() == order.amount()) {
        return Effect().reply(cmd.replyTo(), new Reply.AlreadyApplied<>(id, state.status()));
      }
      return Effect().reply(cmd.replyTo(), new Reply.Rejected<>(id, "transfer-id-in-use"));
    }
    return Effect().reply(cmd.replyTo(), new Reply.Applied<>(id, state.status()));
  }

  private Effect<Event, State> onStepEnded(State state, StepEnded ended) {
    if (state.phase() != ended.phase()) {
      return Effect().none(); // a duplicate outcome of a step already recorded
    }
    if (ended.result() instanceof ClientResult.Answered<AccountOutcome> answered) {
      Reply<AccountOutcome> reply = answered.reply();
      AccountOutcome outcome = reply instanceof Reply.Applied<AccountOutcome> a ? a.result()
          : reply instanceof Reply.AlreadyApplied<AccountOutcome> b ? b.result() : null;
      if (outcome != null) {
        return Effect().persist(next(state.phase(), outcome)).thenRun(this::drive);
      }
      String reason = ((Reply.Rejected<AccountOutcome>) reply).reason();
      if (!reason.equals(Reply.Rejected.DEADLINE_PASSED)) {
        // beyond-retention, or a refusal the order's validation should have made impossible:
        // the saga cannot tell whether the step was applied. An operator must look.
        context.getLog().error("Transfer {} is stuck in {}: the account answered '{}'",
            transferId, state.phase(), reason);
        return Effect().persist(new Stuck(state.phase() + ": " + reason));
      }
    }
    // Unknown outcome (no answer in time), or this round's request arrived after its deadline
    // and was not applied: try again, same key.
    context.scheduleOnce(retryDelay, context.getSelf(), new Resume(state.phase()));
    return Effect().none();
  }

  private Event next(Phase phase, AccountOutcome outcome) {
    return switch (phase) {
      case DEBITING -> outcome instanceof AccountOutcome.Accepted ok
          ? new Debited(ok.balance()) : new DebitRefused(((AccountOutcome.Refused) outcome).reason());
      case CREDITING -> outcome instanceof AccountOutcome.Accepted ok
          ? new Credited(ok.balance())
          : new CreditRefused(((AccountOutcome.Refused) outcome).reason());
      case REFUNDING -> outcome instanceof AccountOutcome.Accepted ok
          ? new Refunded(ok.balance())
          : new Stuck("refund refused: " + ((AccountOutcome.Refused) outcome).reason());
      default -> throw new IllegalStateException("no step in phase " + phase);
    };
  }

  /** Starts the step of the transfer's phase, if it has one. */
  private void drive(State state) {
    switch (state.phase()) {
      case DEBITING -> step(state, state.from(), "debit",
          new AccountOperation.Withdraw(state.amount()));
      case CREDITING -> step(state, state.to(), "credit",
          new AccountOperation.Deposit(state.amount()));
      case REFUNDING -> step(state, state.from(), "refund",
          new AccountOperation.Deposit(state.amount()));
      default -> {
        // NEW or final: nothing to drive. Rest is checked again when it arrives, as an order may
        // have come in meanwhile.
        if (shard != null) {
          context.scheduleOnce(REST_AFTER, context.getSelf(), new Rest());
        }
      }
    }
  }

  private void step(State state, String account, String step, AccountOperation operation) {
    Phase phase = state.phase();
    String key = stepKey(transferId, step);
    context.pipeToSelf(accounts.send(account, key, state.orderedAtMillis(), operation),
        (result, failure) -> new StepEnded(phase, result != null ? result
            : new ClientResult.Unknown<>(key, String.valueOf(failure), List.of())));
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.class, (state, signal) -> drive(state))
        .build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Ordered.class, (state, e) ->
            new State(Phase.DEBITING, e.from(), e.to(), e.amount(), e.orderedAtMillis(), ""))
        .onEvent(Debited.class, (state, e) -> state.to(Phase.CREDITING))
        .onEvent(DebitRefused.class, (state, e) -> state.to(Phase.REFUSED, e.reason()))
        .onEvent(Credited.class, (state, e) -> state.to(Phase.COMPLETED))
        .onEvent(CreditRefused.class, (state, e) -> state.to(Phase.REFUNDING, e.reason()))
        .onEvent(Refunded.class, (state, e) -> state.to(Phase.COMPENSATED))
        .onEvent(Stuck.class, (state, e) -> state.to(Phase.STUCK, e.reason()))
        .build();
  }
}
