package io.baton.samples.bank;

import io.baton.upgrade.BehaviourVersion;

/**
 * Which release of the bank this jar is: release 2, built from {@code src/bank-v2/java} over
 * {@code src/main/java} into {@code baton-samples-v2-all.jar}: accounts have an overdraft limit,
 * and the amounts of their events are named {@code amountInCents}.
 */
public final class BankRelease {

  /** The behaviour version the account type is registered with, shown per node by /status. */
  public static final BehaviourVersion ACCOUNT = BehaviourVersion.of(2, "overdraft limit");

  private BankRelease() {}
}
