package io.baton.benchmarks.journal;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Reads the JSON results that {@link JournalBenchmark} wrote into one directory (one file per
 * target, {@code <target>.json}) and prints markdown: the measurements of every target side by
 * side with the ratio of each Baton target to the jdbc/PostgreSQL baseline, the replica's lag
 * (the asynchronous mode's loss window), and the comparison with the VISION's figures.
 *
 * <p>Usage: {@code java -cp baton-benchmarks-all.jar io.baton.benchmarks.journal.JournalReport
 * <results-directory>}
 */
public final class JournalReport {

  /** VISION.md, "Targets": unreplicated pekko-persistence-jdbc on PostgreSQL, this machine. */
  private static final double VISION_ONE_EVENTS_PER_SECOND = 2_845;
  private static final double VISION_ONE_P50_MICROS = 331;
  private static final double VISION_MANY_EVENTS_PER_SECOND = 27_700;
  private static final double VISION_MANY_P50_MICROS = 3_500;

  private static final List<JournalTarget> BATON = List.of(
      JournalTarget.BATON_SYNC, JournalTarget.BATON_ASYNC, JournalTarget.BATON_R1);

  private JournalReport() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: JournalReport <directory with <target>.json files>");
      System.exit(2);
    }
    Map<JournalTarget, BenchmarkResults.Target> results = new LinkedHashMap<>();
    ObjectMapper json = new ObjectMapper();
    for (JournalTarget target : JournalTarget.values()) {
      Path file = Path.of(args[0]).resolve(target.id() + ".json");
      if (Files.exists(file)) {
        results.put(target, json.readValue(file.toFile(), BenchmarkResults.Target.class));
      }
    }
    if (results.isEmpty()) {
      System.err.println("no <target>.json in " + args[0]);
      System.exit(1);
    }
    System.out.print(render(results));
  }

  static String render(Map<JournalTarget, BenchmarkResults.Target> results) {
    StringBuilder out = new StringBuilder();
    BenchmarkResults.Target any = results.values().iterator().next();
    BenchmarkResults.Parameters p = any.parameters();
    List<JournalTarget> shown = new ArrayList<>();
    for (JournalTarget target : JournalTarget.values()) {
      if (results.containsKey(target)) {
        shown.add(target);
      }
    }
    BenchmarkResults.Target jdbc = results.get(JournalTarget.JDBC);
    List<JournalTarget> ratios = BATON.stream()
        .filter(target -> jdbc != null && results.containsKey(target)).toList();

    out.append("| Scenario | Statistic |");
    shown.forEach(target -> out.append(' ').append(target.label()).append(" |"));
    ratios.forEach(target -> out.append(' ').append(shortLabel(target)).append(" / jdbc |"));
    out.append('\n').append("|---|---|");
    shown.forEach(target -> out.append("--:|"));
    ratios.forEach(target -> out.append("--:|"));
    out.append('\n');

    String one = String.format(Locale.ROOT, "1 entity, sequential (%,d events)",
        p.sequentialEvents());
    String many = String.format(Locale.ROOT, "%d entities, concurrent (%,d events)",
        p.concurrentEntities(), p.concurrentEntities() * p.concurrentEventsEach());
    String replay = String.format(Locale.ROOT, "replay of %,d events (median of %d)",
        p.replayEvents(), p.replayRounds());
    row(out, results, shown, ratios, one, "events/s", t -> t.sequential().eventsPerSecond(),
        JournalReport::rate);
    row(out, results, shown, ratios, "", "p50", t -> t.sequential().p50Micros(),
        JournalReport::micros);
    row(out, results, shown, ratios, "", "p99", t -> t.sequential().p99Micros(),
        JournalReport::micros);
    row(out, results, shown, ratios, many, "events/s", t -> t.concurrent().eventsPerSecond(),
        JournalReport::rate);
    row(out, results, shown, ratios, "", "p50", t -> t.concurrent().p50Micros(),
        JournalReport::micros);
    row(out, results, shown, ratios, "", "p99", t -> t.concurrent().p99Micros(),
        JournalReport::micros);
    row(out, results, shown, ratios, replay, "events/s", t -> t.replay().medianEventsPerSecond(),
        JournalReport::rate);
    out.append("\nFor events/s a ratio above 1 means Baton is faster; for latencies a ratio below 1"
        + " means Baton is faster. Percentiles are exact (nearest rank over every sample).\n");

    lag(out, results);
    vision(out, results);
    return out.toString();
  }

  private static void row(StringBuilder out, Map<JournalTarget, BenchmarkResults.Target> results,
      List<JournalTarget> shown, List<JournalTarget> ratios, String scenario, String statistic,
      ToDoubleFunction<BenchmarkResults.Target> value,
      java.util.function.DoubleFunction<String> format) {
    out.append("| ").append(scenario).append(" | ").append(statistic).append(" |");
    for (JournalTarget target : shown) {
      out.append(' ').append(format.apply(value.applyAsDouble(results.get(target)))).append(" |");
    }
    for (JournalTarget target : ratios) {
      double baseline = value.applyAsDouble(results.get(JournalTarget.JDBC));
      out.append(' ').append(baseline == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f",
          value.applyAsDouble(results.get(target)) / baseline)).append(" |");
    }
    out.append('\n');
  }

  private static void lag(StringBuilder out, Map<JournalTarget, BenchmarkResults.Target> results) {
    List<JournalTarget> replicated = results.keySet().stream()
        .filter(JournalTarget::replicated).toList();
    if (replicated.isEmpty()) {
      return;
    }
    out.append("\nReplica lag while writing: events acknowledged to their entity but not yet on"
        + " the replica, sampled every ")
        .append(results.get(replicated.get(0)).parameters().lagSampleIntervalMicros() / 1000.0)
        .append(" ms (sum over entities), and the age of the oldest such event. With async"
            + " replication this is what a crash of the writer at that instant would lose.\n\n");
    out.append("| Target | Scenario | Samples with lag | Events behind p50 / p99 / max"
        + " | Oldest unreplicated ack p50 / p99 / max | Requests in flight, max"
        + " | Replica complete | All replica answers back |\n");
    out.append("|---|---|--:|--:|--:|--:|--:|--:|\n");
    for (JournalTarget target : replicated) {
      BenchmarkResults.Target result = results.get(target);
      lagRow(out, target, "1 entity", result.sequential().lag());
      lagRow(out, target, result.concurrent().entities() + " entities",
          result.concurrent().lag());
    }
    out.append("\n*Replica complete*: time from the last acknowledgement until the replica held"
        + " every acknowledged event. *All replica answers back*: until every replication request"
        + " of the writer had its answer; the next scenario starts only then.\n");
  }

  private static void lagRow(StringBuilder out, JournalTarget target, String scenario,
      BenchmarkResults.Lag lag) {
    if (lag == null) {
      return;
    }
    String complete;
    if (target == JournalTarget.BATON_SYNC && lag.behindMax() == 0) {
      complete = "at the ack";
    } else if (lag.drainMicros() < 0) {
      complete = "incomplete: " + lag.missingAtEnd() + " events missing";
    } else {
      complete = (lag.completeAtFirstCheck() ? "≤ " : "") + micros(lag.drainMicros());
    }
    out.append(String.format(Locale.ROOT, "| %s | %s | %,d of %,d (%.0f %%) | %d / %d / %d |"
            + " %s / %s / %s | %,d | %s | %s |%n",
        target.label(), scenario, lag.laggingSamples(), lag.samples(),
        lag.samples() == 0 ? 0.0 : 100.0 * lag.laggingSamples() / lag.samples(),
        lag.behindP50(), lag.behindP99(), lag.behindMax(),
        micros(lag.ageP50Micros()), micros(lag.ageP99Micros()), micros(lag.ageMaxMicros()),
        lag.inFlightMax(), complete, micros(lag.settledMicros())));
  }

  private static void vision(StringBuilder out,
      Map<JournalTarget, BenchmarkResults.Target> results) {
    BenchmarkResults.Target jdbc = results.get(JournalTarget.JDBC);
    BenchmarkResults.Target sync = results.get(JournalTarget.BATON_SYNC);
    if (jdbc == null) {
      return;
    }
    out.append("\nAgainst VISION.md (jdbc/PostgreSQL measured earlier on this kind of machine;"
        + " target: Baton R=2 durable faster than unreplicated jdbc):\n\n");
    out.append("| Scenario | Statistic | VISION jdbc | jdbc, this run |");
    if (sync != null) {
      out.append(" Baton R=2 sync, this run | Target met |");
    }
    out.append('\n').append(sync != null ? "|---|---|--:|--:|--:|---|\n" : "|---|---|--:|--:|\n");
    visionRow(out, "1 entity", "events/s", VISION_ONE_EVENTS_PER_SECOND,
        jdbc.sequential().eventsPerSecond(),
        sync == null ? null : sync.sequential().eventsPerSecond(), true, JournalReport::rate);
    visionRow(out, "", "p50", VISION_ONE_P50_MICROS, jdbc.sequential().p50Micros(),
        sync == null ? null : sync.sequential().p50Micros(), false, JournalReport::micros);
    visionRow(out, "100 entities", "events/s", VISION_MANY_EVENTS_PER_SECOND,
        jdbc.concurrent().eventsPerSecond(),
        sync == null ? null : sync.concurrent().eventsPerSecond(), true, JournalReport::rate);
    visionRow(out, "", "p50", VISION_MANY_P50_MICROS, jdbc.concurrent().p50Micros(),
        sync == null ? null : sync.concurrent().p50Micros(), false, JournalReport::micros);
  }

  private static void visionRow(StringBuilder out, String scenario, String statistic,
      double vision, double jdbc, Double sync, boolean higherIsBetter,
      java.util.function.DoubleFunction<String> format) {
    out.append("| ").append(scenario).append(" | ").append(statistic).append(" | ")
        .append(format.apply(vision)).append(" | ").append(format.apply(jdbc)).append(" |");
    if (sync != null) {
      boolean met = higherIsBetter ? sync > jdbc : sync < jdbc;
      out.append(' ').append(format.apply(sync)).append(" | ").append(met ? "yes" : "no")
          .append(" |");
    }
    out.append('\n');
  }

  private static String shortLabel(JournalTarget target) {
    return switch (target) {
      case BATON_SYNC -> "sync";
      case BATON_ASYNC -> "async";
      case BATON_R1 -> "R=1";
      case JDBC -> "jdbc";
    };
  }

  private static String rate(double eventsPerSecond) {
    return String.format(Locale.ROOT, "%,.0f", eventsPerSecond);
  }

  private static String micros(double micros) {
    if (micros >= 1_000_000) {
      return String.format(Locale.ROOT, "%.2f s", micros / 1e6);
    }
    if (micros >= 10_000) {
      return String.format(Locale.ROOT, "%.1f ms", micros / 1000);
    }
    return String.format(Locale.ROOT, "%,.0f µs", micros);
  }
}
