package io.baton.samples.bank.load;

/** The bank workload could not do a step it needs (open the accounts, read a balance); says why. */
public final class BankLoadFailed extends Exception {
  public BankLoadFailed(String message) {
    super(message);
  }
}
