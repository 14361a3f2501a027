package io.baton.samples.bank.load;

import io.baton.samples.bank.TransferStatus.Phase;
import java.util.List;
import java.util.Map;

/**
 * Where every transfer the load ordered (acknowledged, or found applied by resolve) ended after
 * polling its status: counts per phase, and those not final within the wait.
 *
 * @param ordered how many transfers were polled
 * @param phases how many ended in each phase
 * @param notFinal the ids of those not in a final phase (or unanswered) when the wait ended
 * @param seconds how long the polling took
 */
public record SagaCheck(long ordered, Map<Phase, Long> phases, List<String> notFinal,
    double seconds) {

  /** Copies the collections. */
  public SagaCheck {
    phases = Map.copyOf(phases);
    notFinal = List.copyOf(notFinal);
  }

  /** Whether every saga reached a final phase. */
  public boolean allFinal() {
    return notFinal.isEmpty();
  }

  /** {@code sagas: 4200 transfers, all final in 1.2 s: COMPLETED=..}. */
  public String format() {
    return String.format(java.util.Locale.ROOT, "sagas: %d transfers, %s in %.1f s: %s", ordered,
        allFinal() ? "all final" : notFinal.size() + " NOT final", seconds,
        new java.util.TreeMap<>(phases))
        + (allFinal() ? "" : "; not final: " + notFinal.stream().limit(20).toList());
  }
}
