package io.baton.upgrade;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryFailed;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * The ledger entity of each release: ordinary {@code EventSourcedBehavior}s with one persistence
 * id, snapshotting every 4 events. Release 1 persists {@code V1} events and state, release 2
 * {@code V2}; nothing in them knows about schema versions. A recovery failure is reported to
 * {@code failures}.
 */
final class LedgerEntity {

  private LedgerEntity() {}

  sealed interface Command {}

  /** Deposits; replies with the balance after the event is persisted. */
  record Deposit(long amount, ActorRef<Long> replyTo) implements Command {}

  /** Replies with the balance and the number of deposits. */
  record Get(ActorRef<String> replyTo) implements Command {}

  static Behavior<Command> release1(String id, ActorRef<Throwable> failures) {
    return new Release1(id, failures);
  }

  static Behavior<Command> release2(String id, ActorRef<Throwable> failures) {
    return new Release2(id, failures);
  }

  private static final class Release1
      extends EventSourcedBehavior<Command, Ledger.V1.Deposited, Ledger.V1.Balance> {
    private final ActorRef<Throwable> failures;

    Release1(String id, ActorRef<Throwable> failures) {
      super(PersistenceId.ofUniqueId(id));
      this.failures = failures;
    }

    @Override
    public Ledger.V1.Balance emptyState() {
      return new Ledger.V1.Balance(0, 0);
    }

    @Override
    public CommandHandler<Command, Ledger.V1.Deposited, Ledger.V1.Balance> commandHandler() {
      return newCommandHandlerBuilder().forAnyState()
          .onCommand(Deposit.class, (state, cmd) -> Effect()
              .persist(new Ledger.V1.Deposited(cmd.amount()))
              .thenReply(cmd.replyTo(), after -> after.amount()))
          .onCommand(Get.class, (state, cmd) ->
              Effect().reply(cmd.replyTo(), state.amount() + "/" + state.deposits()))
          .build();
    }

    @Override
    public EventHandler<Ledger.V1.Balance, Ledger.V1.Deposited> eventHandler() {
      return newEventHandlerBuilder().forAnyState()
          .onEvent(Ledger.V1.Deposited.class, (state, event) ->
              new Ledger.V1.Balance(state.amount() + event.amount(), state.deposits() + 1))
          .build();
    }

    @Override
    public RetentionCriteria retentionCriteria() {
      return RetentionCriteria.snapshotEvery(4, 1);
    }

    @Override
    public SignalHandler<Ledger.V1.Balance> signalHandler() {
      return newSignalHandlerBuilder()
          .onSignal(RecoveryFailed.class, (state, signal) -> failures.tell(signal.getFailure()))
          .build();
    }
  }

  private static final class Release2
      extends EventSourcedBehavior<Command, Ledger.V2.Deposited, Ledger.V2.Balance> {
    private final ActorRef<Throwable> failures;

    Release2(String id, ActorRef<Throwable> failures) {
      super(PersistenceId.ofUniqueId(id));
      this.failures = failures;
    }

    @Override
    public Ledger.V2.Balance emptyState() {
      return new Ledger.V2.Balance(0, 0);
    }

    @Override
    public CommandHandler<Command, Ledger.V2.Deposited, Ledger.V2.Balance> commandHandler() {
      return newCommandHandlerBuilder().forAnyState()
          .onCommand(Deposit.class, (state, cmd) -> Effect()
              .persist(new Ledger.V2.Deposited(cmd.amount()))
              .thenReply(cmd.replyTo(), after -> after.amountCents()))
          .onCommand(Get.class, (state, cmd) ->
              Effect().reply(cmd.replyTo(), state.amountCents() + "/" + state.deposits()))
          .build();
    }

    @Override
    public EventHandler<Ledger.V2.Balance, Ledger.V2.Deposited> eventHandler() {
      return newEventHandlerBuilder().forAnyState()
          .onEvent(Ledger.V2.Deposited.class, (state, event) ->
              new Ledger.V2.Balance(state.amountCents() + event.amountCents(),
                  state.deposits() + 1))
          .build();
    }

    @Override
    public RetentionCriteria retentionCriteria() {
      return RetentionCriteria.snapshotEvery(4, 1);
    }

    @Override
    public SignalHandler<Ledger.V2.Balance> signalHandler() {
      return newSignalHandlerBuilder()
          .onSignal(RecoveryFailed.class, (state, signal) -> failures.tell(signal.getFailure()))
          .build();
    }
  }
}
