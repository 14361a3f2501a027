package io.baton.benchmarks.journal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.util.Locale;

/**
 * Measures one journal set-up ({@code --target}) through ordinary {@code EventSourcedBehavior}s
 * and writes the results as JSON ({@code --out}); {@link JournalReport} sets the targets side by
 * side. {@code benchmarks/run-journal.sh} runs every target, each in a fresh JVM, against a
 * PostgreSQL it starts for the jdbc baseline. Options: see {@link BenchSettings}.
 *
 * <p>Order of a run: start the nodes; warm up (one entity, then all concurrent entities, then a
 * small replay, results discarded); then measure one entity, the concurrent entities, and the
 * replay. Progress goes to standard output.
 */
public final class JournalBenchmark {

  private JournalBenchmark() {}

  public static void main(String[] args) throws Exception {
    BenchSettings settings;
    try {
      settings = BenchSettings.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("journal benchmark: " + e.getMessage());
      System.exit(2);
      return;
    }
    BenchmarkResults.Target result = run(settings);
    Files.createDirectories(settings.out().toAbsolutePath().getParent());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(settings.out().toFile(), result);
    System.out.println("results: " + settings.out());
    // Pekko's and the JDBC pool's threads are gone once the systems terminated, but a stray
    // non-daemon thread of a library must not keep a benchmark JVM alive.
    System.exit(0);
  }

  static BenchmarkResults.Target run(BenchSettings settings) throws Exception {
    JournalTarget target = settings.target();
    String runId = "r" + Long.toString(System.currentTimeMillis(), 36);
    log(target, "starting: " + target.setUp());
    try (BenchNodes nodes = BenchNodes.start(settings)) {
      JournalScenarios scenarios =
          new JournalScenarios(nodes, runId, settings.lagSampleInterval());

      log(target, "warm-up");
      scenarios.writes("warm-one", 1, settings.sequentialWarmUpEvents());
      scenarios.writes("warm-many", settings.concurrentEntities(),
          settings.concurrentWarmUpEventsEach());
      scenarios.replay("warm-replay", Math.max(settings.replayBatch(),
          settings.replayEvents() / 4 / settings.replayBatch() * settings.replayBatch()),
          settings.replayBatch(), 1);

      BenchmarkResults.Writes one = scenarios.writes("one", 1, settings.sequentialEvents());
      log(target, String.format(Locale.ROOT, "1 entity: %,.0f events/s, p50 %.0f µs, p99 %.0f µs",
          one.eventsPerSecond(), one.p50Micros(), one.p99Micros()));
      BenchmarkResults.Writes many = scenarios.writes("many", settings.concurrentEntities(),
          settings.concurrentEventsEach());
      log(target, String.format(Locale.ROOT, "%d entities: %,.0f events/s, p50 %.0f µs,"
              + " p99 %.0f µs", many.entities(), many.eventsPerSecond(), many.p50Micros(),
          many.p99Micros()));
      BenchmarkResults.Replay replay = scenarios.replay("replay", settings.replayEvents(),
          settings.replayBatch(), settings.replayRounds());
      log(target, String.format(Locale.ROOT, "replay of %,d events: %,.0f events/s (median of %s)",
          replay.events(), replay.medianEventsPerSecond(), replay.roundsEventsPerSecond()));
      return new BenchmarkResults.Target(target.id(), target.label(), target.setUp(),
          settings.parameters(), one, many, replay);
    }
  }

  private static void log(JournalTarget target, String line) {
    System.out.println("[" + target.id() + "] " + line);
  }
}
