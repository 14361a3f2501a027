package io.baton.samples.bank.load;

import io.baton.load.LoadSummary;
import io.baton.load.Outcome;
import io.baton.load.ResolveReport;

/**
 * Everything one bank load found: the generator's summary, what resolve learnt of the given-up
 * requests, the sagas and the money.
 *
 * @param summary the load (before resolve)
 * @param resolve the re-sends of the given-up requests
 * @param sagas every ordered transfer's final phase
 * @param money the money invariant
 */
public record BankLoadReport(LoadSummary summary, ResolveReport resolve, SagaCheck sagas,
    MoneyCheck money) {

  /** No request given up during the load, every saga final, money conserved. */
  public boolean ok() {
    return summary.count(Outcome.FAILED) == 0 && sagas.allFinal() && money.conserved();
  }

  /** The summary, resolve, sagas and money, for people. */
  public String format() {
    return summary.format() + resolve.format() + "\n" + sagas.format() + "\n" + money.format()
        + "\n";
  }
}
