package io.baton.supervision;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.baton.process.TestJvm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real JVM ({@link TreeNodeMain}) stopped by SIGTERM, by PID: its tree of trapping workers is
 * stopped as OTP stops it. Bounded by deadlines, never by sleeps.
 */
@Timeout(120)
class NodeSigtermTest {

  private static final Duration START = Duration.ofSeconds(60);
  private static final Duration STOP = Duration.ofSeconds(30);

  private TestJvm node;

  @AfterEach
  void killNode() {
    if (node != null) {
      node.kill();
    }
  }

  /**
   * Property: on SIGTERM every trapping worker runs its shutdown handler, in reverse start order,
   * each only after the later-started one has stopped, within its shutdown timeout (the reports
   * say stopped with shutdown, no shutdown_error), and the supervisor reports its exit.
   */
  @Test
  void sigtermStopsEveryTrappingWorkerInReverseStartOrderWithinItsTimeoutWithReports()
      throws Exception {
    node = TestJvm.start(TreeNodeMain.class, "sigterm", "tree-node", "3", "150", "2000");
    node.awaitLine(l -> l.equals(TreeNodeMain.PREFIX + "report started w3"), START,
        "the tree's last start report");

    node.terminate();

    List<String> lines = node.remainingLinesAfterExit(l -> l.startsWith(TreeNodeMain.PREFIX), STOP);
    List<String> handlers = new ArrayList<>();
    List<String> reports = new ArrayList<>();
    for (String line : lines) {
      String text = line.substring(TreeNodeMain.PREFIX.length());
      (text.startsWith("report ") ? reports : handlers).add(text);
    }
    assertEquals(List.of(
        "flush-begin w3 on shutdown", "flush-end w3",
        "flush-begin w2 on shutdown", "flush-end w2",
        "flush-begin w1 on shutdown", "flush-end w1"), handlers, "log: " + node.log());
    assertEquals(List.of(
        "report stopped w3:shutdown", "report stopped w2:shutdown", "report stopped w1:shutdown",
        "report supervisor_exited:shutdown"), reports, "log: " + node.log());
    // Causal order across the two: each worker finished its handler before it was reported
    // stopped, and the next one began only after that.
    for (int i = 3; i >= 1; i--) {
      assertBefore(lines, "flush-end w" + i, "report stopped w" + i + ":shutdown");
    }
  }

  private static void assertBefore(List<String> lines, String first, String then) {
    int a = lines.indexOf(TreeNodeMain.PREFIX + first);
    int b = lines.indexOf(TreeNodeMain.PREFIX + then);
    if (a < 0 || b < 0 || a > b) {
      throw new AssertionError("expected '" + first + "' before '" + then + "' in " + lines);
    }
  }
}
