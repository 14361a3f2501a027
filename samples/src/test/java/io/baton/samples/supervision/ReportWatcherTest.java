package io.baton.samples.supervision;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How the demo waits for reports: with a deadline, and failing in words. */
@Timeout(10)
class ReportWatcherTest {

  /** A report that never comes fails the step once the deadline passes, naming step and report. */
  @Test
  void missingReportFailsTheStepAtTheDeadline() {
    ReportWatcher watcher = new ReportWatcher(new PrintStream(OutputStream.nullOutputStream()));

    DemoStepFailed failed =
        assertThrows(
            DemoStepFailed.class,
            () -> watcher.expect("2/6 one_for_one", Duration.ofMillis(100),
                List.of("root: ingest crashed")));

    assertTrue(failed.getMessage().startsWith(
        "step 2/6 one_for_one: expected report 'root: ingest crashed' within 100 ms, but none"
            + " came"), failed.getMessage());
  }

  /** Durations print as people write them. */
  @Test
  void durationsReadAsSecondsOrMilliseconds() {
    assertTrue(ReportWatcher.readable(Duration.ofSeconds(10)).equals("10s"));
    assertTrue(ReportWatcher.readable(Duration.ofMillis(1500)).equals("1500ms"));
  }
}
