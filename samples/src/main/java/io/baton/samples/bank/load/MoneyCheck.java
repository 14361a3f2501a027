package io.baton.samples.bank.load;

/**
 * The money invariant after the load: the sum of every balance equals the opening total plus the
 * acknowledged deposits minus the acknowledged withdrawals (after resolve). Transfers move money
 * and never create or destroy it, so they do not appear.
 *
 * @param openingTotal what was deposited to open the accounts
 * @param deposited the sum of deposits the accounts accepted (acknowledged or resolved applied)
 * @param withdrawn the sum of withdrawals the accounts accepted
 * @param unknown deposits and withdrawals whose fate stayed unknown after resolve (then the
 *     check cannot be exact and fails)
 * @param total the sum of the balances read at the end (the account never opened included)
 */
public record MoneyCheck(long openingTotal, long deposited, long withdrawn, long unknown,
    long total) {

  /** What the balances should add up to. */
  public long expected() {
    return openingTotal + deposited - withdrawn;
  }

  /** Whether the total is exactly what was expected, with no request of unknown fate. */
  public boolean conserved() {
    return unknown == 0 && total == expected();
  }

  /** {@code money: opening 48000 + deposits 1200 - withdrawals 900 = 48300, balances 48300: conserved}. */
  public String format() {
    return "money: opening " + openingTotal + " + deposits " + deposited + " - withdrawals "
        + withdrawn + " = " + expected() + ", balances " + total + ": "
        + (conserved() ? "conserved" : unknown > 0 ? "UNKNOWN (" + unknown
            + " deposits or withdrawals of unknown fate)" : "NOT CONSERVED (off by "
            + (total - expected()) + ")");
  }
}
