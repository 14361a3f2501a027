package io.baton.samples.bank.load;

import io.baton.load.AttemptPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What {@link BankOpenLoad} offers and how long it waits; immutable, validated when built.
 * Defaults ({@link #of(List)}): 48 accounts of 1000, 70 transfers/s (one in twenty to an account
 * never opened, which the saga compensates), 30 deposits and withdrawals/s, the default
 * {@link AttemptPolicy} (1.5 s attempts, give up after 10 s), no history file, seed 1, 60 s for
 * the sagas to end and 60 s to resolve given-up requests, run id from the clock.
 *
 * @param targets the nodes' HTTP entry points (base URIs)
 * @param accounts how many accounts to open (2 or more)
 * @param openingBalance what each account is given at the start (positive)
 * @param transferRate transfers ordered a second (positive)
 * @param accountRate deposits and withdrawals a second, half each (positive)
 * @param unopenedShare the share of transfers to the account never opened (0 to 1)
 * @param policy attempts and give-up of every request
 * @param history the history file (JSON lines), or null for none
 * @param seed the seed of the random choice of accounts and amounts
 * @param runId prefixes every entity id and key, so that runs against one cluster do not meet
 * @param sagaWait how long to poll the transfers' status for every saga to be final
 * @param resolveBound how long {@code resolve} may re-send given-up requests
 */
public record BankLoadSettings(List<URI> targets, int accounts, long openingBalance,
    double transferRate, double accountRate, double unopenedShare, AttemptPolicy policy,
    Path history, long seed, String runId, Duration sagaWait, Duration resolveBound) {

  /** Validates every value; the message names it and says what is allowed. */
  public BankLoadSettings {
    targets = List.copyOf(Objects.requireNonNull(targets, "targets"));
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("no target: give the nodes' HTTP entry points, e.g."
          + " --targets=http://127.0.0.1:8081,http://127.0.0.1:8082");
    }
    if (accounts < 2) {
      throw new IllegalArgumentException("accounts is " + accounts + ": a transfer needs two,"
          + " give 2 or more");
    }
    if (openingBalance <= 0) {
      throw new IllegalArgumentException("opening balance is " + openingBalance
          + ": give a positive amount");
    }
    if (!(transferRate > 0) || !(accountRate > 0)) {
      throw new IllegalArgumentException("rates are " + transferRate + " transfers/s and "
          + accountRate + " deposits and withdrawals/s: both must be positive");
    }
    if (!(unopenedShare >= 0 && unopenedShare <= 1)) {
      throw new IllegalArgumentException("unopened share is " + unopenedShare
          + ": give a fraction from 0 to 1");
    }
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(runId, "runId");
    if (!runId.matches("[A-Za-z0-9_-]{1,32}")) {
      throw new IllegalArgumentException("run id '" + runId + "' must be 1 to 32 letters,"
          + " digits, '-' or '_': it prefixes entity ids");
    }
    requirePositive("saga wait", sagaWait);
    requirePositive("resolve bound", resolveBound);
  }

  /** The defaults for {@code targets}. */
  public static BankLoadSettings of(List<URI> targets) {
    return new BankLoadSettings(targets, 48, 1000, 70, 30, 0.05, AttemptPolicy.defaults(), null,
        1, Long.toString(System.currentTimeMillis(), 36), Duration.ofSeconds(60),
        Duration.ofSeconds(60));
  }

  public BankLoadSettings withAccounts(int value) {
    return new BankLoadSettings(targets, value, openingBalance, transferRate, accountRate,
        unopenedShare, policy, history, seed, runId, sagaWait, resolveBound);
  }

  public BankLoadSettings withOpeningBalance(long value) {
    return new BankLoadSettings(targets, accounts, value, transferRate, accountRate,
        unopenedShare, policy, history, seed, runId, sagaWait, resolveBound);
  }

  public BankLoadSettings withTransferRate(double value) {
    return new BankLoadSettings(targets, accounts, openingBalance, value, accountRate,
        unopenedShare, policy, history, seed, runId, sagaWait, resolveBound);
  }

  public BankLoadSettings withAccountRate(double value) {
    return new BankLoadSettings(targets, accounts, openingBalance, transferRate, value,
        unopenedShare, policy, history, seed, runId, sagaWait, resolveBound);
  }

  public BankLoadSettings withUnopenedShare(double value) {
    return new BankLoadSettings(targets, accounts, openingBalance, transferRate, accountRate,
        value, policy, history, seed, runId, sagaWait, resolveBound);
  }

  public BankLoadSettings withPolicy(AttemptPolicy value) {
    return new BankLoadSettings(targets, accounts, openingBalance, transferRate, accountRate,
        unopenedShare, value, history, seed, runId, sagaWait, resolveBound);
  }

  public BankLoadSettings withHistory(Path value) {
    return new BankLoadSettings(targets, accounts, openingBalance, transferRate, accountRate,
        unopenedShare, policy, value, seed, runId, sagaWait, resolveBound);
  }

  public BankLoadSettings withSeed(long value) {
    return new BankLoadSettings(targets, accounts, openingBalance, transferRate, accountRate,
        unopenedShare, policy, history, value, runId, sagaWait, resolveBound);
  }

  public BankLoadSettings withRunId(String value) {
    return new BankLoadSettings(targets, accounts, openingBalance, transferRate, accountRate,
        unopenedShare, policy, history, seed, value, sagaWait, resolveBound);
  }

  public BankLoadSettings withSagaWait(Duration value) {
    return new BankLoadSettings(targets, accounts, openingBalance, transferRate, accountRate,
        unopenedShare, policy, history, seed, runId, value, resolveBound);
  }

  public BankLoadSettings withResolveBound(Duration value) {
    return new BankLoadSettings(targets, accounts, openingBalance, transferRate, accountRate,
        unopenedShare, policy, history, seed, runId, sagaWait, value);
  }

  private static void requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(name + " is " + value + ": it must be positive");
    }
  }
}
