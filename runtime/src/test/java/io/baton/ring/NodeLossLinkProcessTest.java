package io.baton.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.cluster.testkit.LocalCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Links and monitors across real JVMs learn a killed node from the {@link ProcessDeathDetector}
 * (through {@code io.baton.process.NodeLoss}), not from the cluster's removal of the member.
 * Asserts order and reason only; prints the time from {@code kill -9} to the exit signal of each
 * run and their median, reported in {@code docs/benchmarks.md}.
 */
@Timeout(900)
class NodeLossLinkProcessTest {

  private static final int RUNS = 5;
  private static final Duration START = Duration.ofSeconds(120);
  private static final Duration LOSS = Duration.ofSeconds(60);

  /**
   * Property: after kill -9 of a node, a trapping process linked to and monitoring a process there
   * gets ExitSignal and Down with noconnection for that node, both before its node sees the
   * member removed.
   */
  @Test
  void aKilledNodesProcessReachesLinksAndMonitorsAsNoconnectionBeforeTheMemberIsRemoved() {
    try (LocalCluster cluster = LocalCluster.builder(LinkNodeMain.class).nodes(2)
        .name("node-loss-link")
        .nodeJvmOptions("node1", "-Dbaton.test.link-role=watcher")
        .nodeJvmOptions("node2", "-Dbaton.test.link-role=target")
        .start()) {
      cluster.awaitAllUp(START);
      String target = cluster.address("node2");
      List<Long> millis = new ArrayList<>();
      for (int run = 1; run <= RUNS; run++) {
        if (run > 1) {
          cluster.restart("node2");
        }
        String linked = cluster.awaitLine("node1", "^LINKED " + Pattern.quote(target) + "$", START);
        long killedAt = LinkNodeMain.nowMicros();
        cluster.kill9("node2");
        String exit = cluster.awaitLine("node1", "^LINK-EXIT-SIGNAL .*", LOSS);
        String down = cluster.awaitLine("node1", "^MONITOR-DOWN .*", LOSS);
        assertEquals("LINK-EXIT-SIGNAL noconnection " + target, exit.substring(0, exit.indexOf(" AT ")));
        assertEquals("MONITOR-DOWN noconnection " + target, down.substring(0, down.indexOf(" AT ")));
        List<String> out = cluster.output("node1");
        int from = out.lastIndexOf(linked);
        int to = Math.max(out.lastIndexOf(exit), out.lastIndexOf(down));
        Pattern removed = Pattern.compile(cluster.memberLine("REMOVED", "node2"));
        assertTrue(out.subList(from, to).stream().noneMatch(l -> removed.matcher(l).matches()),
            "run " + run + ": the member was removed before the link fired: " + out.subList(from, to));
        long at = Long.parseLong(exit.substring(exit.indexOf(" AT ") + 4));
        millis.add((at - killedAt) / 1000);
        System.out.printf("run %d: kill -9 -> exit signal %d ms%n", run, (at - killedAt) / 1000);
      }
      List<Long> sorted = millis.stream().sorted().toList();
      System.out.printf("kill -9 -> exit signal over %d runs: median %d ms, min %d, max %d: %s%n",
          RUNS, sorted.get(RUNS / 2), sorted.get(0), sorted.get(RUNS - 1), millis);
    }
  }
}
