package io.baton.benchmarks.journal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The command line of {@link JournalBenchmark}, as {@code --key=value} options. Sizes default to
 * the full run that {@code benchmarks/run-journal.sh} makes (a few minutes for all four
 * targets); smaller values make a smoke run.
 *
 * @param target which journal set-up to measure
 * @param workDir where the Baton nodes keep their data directories (created; on the same disk as
 *     PostgreSQL's data for a fair comparison)
 * @param out the JSON file the results are written to
 * @param jdbcUrl the PostgreSQL database of the jdbc target (unused by the others)
 */
record BenchSettings(JournalTarget target, Path workDir, Path out, String jdbcUrl,
    String jdbcUser, String jdbcPassword, int sequentialWarmUpEvents, int sequentialEvents,
    int concurrentEntities, int concurrentWarmUpEventsEach, int concurrentEventsEach,
    int replayEvents, int replayBatch, int replayRounds, Duration lagSampleInterval) {

  private static final Set<String> KEYS = Set.of("target", "work-dir", "out", "jdbc-url",
      "jdbc-user", "jdbc-password", "sequential-warm-up", "sequential-events",
      "concurrent-entities", "concurrent-warm-up-each", "concurrent-events-each",
      "replay-events", "replay-batch", "replay-rounds", "lag-sample-interval-micros");

  BenchSettings {
    requirePositive("sequential-warm-up", sequentialWarmUpEvents);
    requirePositive("sequential-events", sequentialEvents);
    requirePositive("concurrent-entities", concurrentEntities);
    requirePositive("concurrent-warm-up-each", concurrentWarmUpEventsEach);
    requirePositive("concurrent-events-each", concurrentEventsEach);
    requirePositive("replay-events", replayEvents);
    requirePositive("replay-batch", replayBatch);
    requirePositive("replay-rounds", replayRounds);
    if (replayEvents % replayBatch != 0) {
      throw new IllegalArgumentException("--replay-events (" + replayEvents
          + ") must be a multiple of --replay-batch (" + replayBatch + ")");
    }
    if (target == JournalTarget.JDBC && (jdbcUrl == null || jdbcUrl.isBlank())) {
      throw new IllegalArgumentException("--target=jdbc needs --jdbc-url=jdbc:postgresql://..."
          + " (run-journal.sh starts a PostgreSQL and passes it)");
    }
  }

  static BenchSettings parse(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("option '" + arg + "' is not of the form --key=value;"
            + " keys: " + KEYS);
      }
      String key = arg.substring(2, eq);
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("unknown option --" + key + "; keys: " + KEYS);
      }
      options.put(key, arg.substring(eq + 1));
    }
    if (!options.containsKey("target")) {
      throw new IllegalArgumentException("--target is required: baton-sync, baton-async,"
          + " baton-r1 or jdbc");
    }
    JournalTarget target = JournalTarget.of(options.get("target"));
    Path workDir = Path.of(options.getOrDefault("work-dir", "benchmarks/results/journal-data"));
    return new BenchSettings(target, workDir,
        Path.of(options.getOrDefault("out", "benchmarks/results/journal-" + target.id()
            + ".json")),
        options.get("jdbc-url"), options.getOrDefault("jdbc-user", "postgres"),
        options.getOrDefault("jdbc-password", ""),
        intOption(options, "sequential-warm-up", 2_000),
        intOption(options, "sequential-events", 10_000),
        intOption(options, "concurrent-entities", 100),
        intOption(options, "concurrent-warm-up-each", 100),
        intOption(options, "concurrent-events-each", 400),
        intOption(options, "replay-events", 20_000),
        intOption(options, "replay-batch", 100),
        intOption(options, "replay-rounds", 3),
        Duration.ofNanos(1_000L * intOption(options, "lag-sample-interval-micros", 2_000)));
  }

  private static int intOption(Map<String, String> options, String key, int fallback) {
    String value = options.get(key);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.replace("_", "").replace(",", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + key + " must be a whole number, was '" + value
          + "'", e);
    }
  }

  private static void requirePositive(String key, int value) {
    if (value < 1) {
      throw new IllegalArgumentException("--" + key + " must be at least 1, was " + value);
    }
  }

  BenchmarkResults.Parameters parameters() {
    return new BenchmarkResults.Parameters(sequentialWarmUpEvents, sequentialEvents,
        concurrentEntities, concurrentWarmUpEventsEach, concurrentEventsEach, replayEvents,
        replayBatch, replayRounds, lagSampleInterval.toNanos() / 1_000);
  }
}
