package io.baton.upgrade.rolling;

import java.util.ArrayList;
import java.util.List;

/**
 * How a {@link RollingUpgrade} ended. On failure it names the node and phase, what was seen, the
 * state the cluster was left in and what to do next.
 *
 * @param outcome completed, failed (a node did not pass a phase) or refused (nothing was touched)
 * @param order every node of this run in upgrade order
 * @param upgraded the nodes upgraded, in order
 * @param untouched the nodes this run did not touch
 * @param failedNode the node that failed, or null
 * @param failedPhase the phase it failed in, or null
 * @param seen what was seen, or null when completed
 * @param clusterState the state the cluster was left in, or null when completed
 * @param advice what to do next, or null when completed
 */
public record UpgradeReport(Outcome outcome, List<String> order, List<String> upgraded,
    List<String> untouched, String failedNode, UpgradePhase failedPhase, String seen,
    String clusterState, String advice) {

  /** How the run ended. */
  public enum Outcome { COMPLETED, FAILED, REFUSED }

  public UpgradeReport {
    order = List.copyOf(order);
    upgraded = List.copyOf(upgraded);
    untouched = List.copyOf(untouched);
  }

  public boolean completed() {
    return outcome == Outcome.COMPLETED;
  }

  /** The report as lines of text for a terminal. */
  public String render() {
    List<String> lines = new ArrayList<>();
    switch (outcome) {
      case COMPLETED -> lines.add("UPGRADE COMPLETED: " + upgraded.size() + " node(s) upgraded, in"
          + " order " + String.join(", ", upgraded));
      case REFUSED -> lines.add("UPGRADE REFUSED: no node was touched");
      case FAILED -> lines.add("UPGRADE STOPPED at " + failedNode + ", phase " + failedPhase);
      default -> throw new IllegalStateException(outcome.toString());
    }
    if (outcome != Outcome.COMPLETED) {
      lines.add("  order:     " + String.join(", ", order));
      lines.add("  upgraded:  " + (upgraded.isEmpty() ? "none" : String.join(", ", upgraded)));
      lines.add("  untouched: " + (untouched.isEmpty() ? "none" : String.join(", ", untouched)));
      lines.add("  seen:      " + seen);
      if (clusterState != null) {
        lines.add("  cluster:   " + clusterState);
      }
      lines.add("  to do:     " + advice);
    }
    return String.join("\n", lines);
  }
}
