package io.baton.benchmarks.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness runs end to end on a real Baton journal (one node, real RocksDB, tiny sizes) and
 * its report renders, so that the benchmark cannot rot between measured runs. The replicated and
 * jdbc targets need a cluster or PostgreSQL and run in {@code benchmarks/run-journal.sh} only.
 */
@Timeout(120)
class JournalBenchmarkSmokeTest {

  @TempDir Path dir;

  @Test
  void everyScenarioRunsOnBatonR1AndTheReportShowsIt() throws Exception {
    BenchSettings settings = BenchSettings.parse(new String[] {
        "--target=baton-r1", "--work-dir=" + dir.resolve("data"),
        "--out=" + dir.resolve("baton-r1.json"), "--sequential-warm-up=20",
        "--sequential-events=50", "--concurrent-entities=5", "--concurrent-warm-up-each=5",
        "--concurrent-events-each=10", "--replay-events=200", "--replay-batch=50",
        "--replay-rounds=2"});

    BenchmarkResults.Target result = JournalBenchmark.run(settings);

    assertEquals(50, result.sequential().events());
    assertEquals(50, result.concurrent().events());
    assertNull(result.sequential().lag(), "a single node has no replica to sample");
    assertTrue(result.sequential().p50Micros() > 0);
    assertTrue(result.sequential().p99Micros() >= result.sequential().p50Micros());
    assertEquals(2, result.replay().roundsEventsPerSecond().size());
    String report = JournalReport.render(Map.of(JournalTarget.BATON_R1, result));
    assertTrue(report.contains("| 1 entity, sequential (50 events) | events/s |"), report);
  }
}
