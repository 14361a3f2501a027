package io.baton.samples.supervision;

import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Account balances, in whole currency units, kept in memory by one actor.
 *
 * <p>Invariant: no balance is ever negative. A debit that would break it means a check upstream
 * failed, so the ledger crashes rather than go on from a state nobody vetted; its supervisor
 * restarts it, empty. (What must survive a restart belongs in a journal, not in this map.)
 *
 * <p>The map is owned by the actor and touched only while it handles a message.
 */
final class Ledger extends AbstractBehavior<Ledger.Command> {

  /** The messages the ledger accepts. */
  sealed interface Command {}

  /** Adds {@code amount} (positive) to {@code account}. */
  record Credit(String account, long amount) implements Command {
    Credit {
      requirePositive(amount);
    }
  }

  /** Takes {@code amount} (positive) from {@code account}; crashes the ledger if it would overdraw. */
  record Debit(String account, long amount) implements Command {
    Debit {
      requirePositive(amount);
    }
  }

  /** Asks for a copy of every balance, by account. */
  record GetBalances(ActorRef<Map<String, Long>> replyTo) implements Command {}

  private final Map<String, Long> balances = new TreeMap<>();

  static Behavior<Command> create() {
    return Behaviors.setup(Ledger::new);
  }

  private Ledger(ActorContext<Command> context) {
    super(context);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Credit.class, this::onCredit)
        .onMessage(Debit.class, this::onDebit)
        .onMessage(GetBalances.class, this::onGetBalances)
        .build();
  }

  private Behavior<Command> onCredit(Credit credit) {
    balances.merge(credit.account(), credit.amount(), Long::sum);
    return this;
  }

  private Behavior<Command> onDebit(Debit debit) {
    long balance = balances.getOrDefault(debit.account(), 0L);
    if (debit.amount() > balance) {
      throw new IllegalStateException(
          "debit of " + debit.amount() + " would overdraw " + debit.account()
              + ", whose balance is " + balance);
    }
    balances.put(debit.account(), balance - debit.amount());
    return this;
  }

  private Behavior<Command> onGetBalances(GetBalances get) {
    get.replyTo().tell(Map.copyOf(balances));
    return this;
  }

  private static void requirePositive(long amount) {
    if (amount <= 0) {
      throw new IllegalArgumentException("amount must be positive, was " + amount);
    }
  }
}
