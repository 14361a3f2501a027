package io.baton.samples.bank;

import io.baton.upgrade.BehaviourVersion;

/**
 * Which release of the bank this jar is: release 1 here. Release 2 ({@code src/bank-v2/java},
 * built into {@code baton-samples-v2-all.jar}) replaces this class, {@link Account} and {@link
 * AccountOperation} by files of the same names; every other class is shared.
 */
public final class BankRelease {

  /** The behaviour version the account type is registered with, shown per node by /status. */
  public static final BehaviourVersion ACCOUNT = BehaviourVersion.of(1, "balance, no overdraft");

  private BankRelease() {}
}
