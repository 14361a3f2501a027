package io.baton.load;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link OpenLoopGenerator#resolve} found out about the requests the load gave up on: for
 * each, the answer to re-sending it with the same key, issue time and deadline. An entity that
 * honours deadlines answers {@code already-applied} if the original was applied and {@code
 * rejected} ({@code deadline-passed}) if it never was, so after a resolve a checker knows the fate
 * of every request; those still {@link Outcome#FAILED} ({@link #unresolved()}) stayed unknown
 * within the bound.
 *
 * @param resolutions one per given-up request, in the order of their {@code seq}; each has the
 *     original's seq, stream, phase, request and headers, and the re-send's times and answer
 */
public record ResolveReport(List<RequestOutcome> resolutions) {

  /** Copies the list. */
  public ResolveReport {
    resolutions = List.copyOf(resolutions);
  }

  /** The resolutions still without a final answer. */
  public List<RequestOutcome> unresolved() {
    return resolutions.stream().filter(r -> r.outcome() == Outcome.FAILED).toList();
  }

  /** How many resolutions ended with each outcome. */
  public Map<Outcome, Long> counts() {
    Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
    for (Outcome outcome : Outcome.values()) {
      counts.put(outcome, 0L);
    }
    for (RequestOutcome r : resolutions) {
      counts.merge(r.outcome(), 1L, Long::sum);
    }
    return counts;
  }

  /** {@code resolve: N given-up requests re-sent: ...}. */
  public String format() {
    return "resolve: " + resolutions.size() + " given-up requests re-sent with their keys: "
        + LoadSummary.counts(counts()) + (unresolved().isEmpty() ? ""
        : "; still unknown: " + unresolved().stream().map(r -> r.request().key()).limit(20)
            .toList());
  }
}
