package io.baton.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a load did: counts per outcome, latency percentiles overall and per phase, and a timeline
 * by second of intended start (the stall window is where the latencies of the requests
 * <em>meant</em> to start in a second climb). Latencies count from each request's intended start
 * to its outcome. A value, immutable; {@link #toJson()} and {@link #format()} for people and
 * checkers.
 *
 * @param durationSeconds from the start of the run to the end of the last outcome
 * @param offered requests started (every one has an outcome once the load is stopped)
 * @param outcomes how many ended with each outcome, every outcome listed
 * @param retried requests that needed more than one attempt
 * @param latency percentiles over every request
 * @param phases per phase, in the order they were first marked
 * @param timeline per second of intended start, in order
 */
public record LoadSummary(double durationSeconds, long offered, Map<Outcome, Long> outcomes,
    long retried, LatencyPercentiles latency, List<PhaseSummary> phases,
    List<SecondSummary> timeline) {

  /** Copies the collections. */
  public LoadSummary {
    outcomes = Map.copyOf(outcomes);
    phases = List.copyOf(phases);
    timeline = List.copyOf(timeline);
  }

  /**
   * The requests whose intended start fell in one phase.
   *
   * @param name the phase's name
   * @param startSeconds when it was first marked, after the start of the run
   * @param outcomes count per outcome, every outcome listed
   * @param retried requests of the phase that needed more than one attempt
   * @param latency their percentiles
   */
  public record PhaseSummary(String name, double startSeconds, Map<Outcome, Long> outcomes,
      long retried, LatencyPercentiles latency) {
    /** Copies the map. */
    public PhaseSummary {
      outcomes = Map.copyOf(outcomes);
    }
  }

  /**
   * The requests whose intended start fell in one second of the run.
   *
   * @param second seconds after the start of the run (second {@code s} covers {@code [s, s+1)})
   * @param offered requests meant to start in it
   * @param ok acknowledged ({@link Outcome#OK} or {@link Outcome#ALREADY_APPLIED})
   * @param failed given up ({@link Outcome#FAILED})
   * @param other {@link Outcome#REJECTED} or {@link Outcome#CLIENT_ERROR}
   * @param retried needed more than one attempt
   * @param p99 99th percentile latency, milliseconds
   * @param max largest latency, milliseconds
   */
  public record SecondSummary(long second, long offered, long ok, long failed, long other,
      long retried, double p99, double max) {}

  /** A count of outcome {@code outcome}, 0 if none. */
  public long count(Outcome outcome) {
    return outcomes.getOrDefault(outcome, 0L);
  }

  /** The phase named {@code name}, if it was marked. */
  public java.util.Optional<PhaseSummary> phase(String name) {
    return phases.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** The summary as JSON (one object; the fields of this record). */
  public String toJson() {
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the load summary cannot be written as JSON: "
          + e.getOriginalMessage(), e);
    }
  }

  /** The summary for people: totals, percentiles, phases, then the timeline. */
  public String format() {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "load: %d requests offered in %.1f s: %s; %d retried%n",
        offered, durationSeconds, counts(outcomes), retried));
    out.append("  latency from intended start: ").append(latency.format()).append('\n');
    for (PhaseSummary phase : phases) {
      out.append(String.format(Locale.ROOT, "  phase %s (from %.1f s): %s; %d retried; %s%n",
          phase.name(), phase.startSeconds(), counts(phase.outcomes()), phase.retried(),
          phase.latency().format()));
    }
    out.append("  timeline (second of intended start: offered ok failed other retried p99 max)\n");
    for (SecondSummary s : timeline) {
      out.append(String.format(Locale.ROOT, "    %4d s: %4d %4d %4d %4d %4d %9s %9s%n",
          s.second(), s.offered(), s.ok(), s.failed(), s.other(), s.retried(), ms(s.p99()),
          ms(s.max())));
    }
    return out.toString();
  }

  static String counts(Map<Outcome, Long> outcomes) {
    StringBuilder out = new StringBuilder();
    for (Outcome outcome : Outcome.values()) {
      if (out.length() > 0) {
        out.append(", ");
      }
      out.append(outcomes.getOrDefault(outcome, 0L)).append(' ')
          .append(outcome.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    return out.toString();
  }

  static String ms(double millis) {
    return millis >= 1000 ? String.format(Locale.ROOT, "%.2f s", millis / 1000)
        : String.format(Locale.ROOT, "%.1f ms", millis);
  }
}
