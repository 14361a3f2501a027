package io.baton.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.cluster.testkit.LocalCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Entities on the ring with real JVMs on 127.0.0.1: after kill -9 of a node, every entity it
 * hosted answers again from the node's ring successor, with every acknowledged increment, within
 * seconds (the refused-connection detector downs the dead node at once).
 */
@Timeout(240)
class TakeoverProcessTest {

  private static final Duration START = Duration.ofSeconds(90);
  private static final Duration LONG = Duration.ofSeconds(60);
  private static final int ENTITIES = 30;
  private static final int INCREMENTS = 5;
  private static final Pattern ACK = Pattern.compile("^ACK (\\S+) (\\d+) (\\S+)$");
  private static final Pattern ANSWERED = Pattern.compile("^ANSWERED (\\S+) (\\d+) (\\S+) (\\d+)$");

  private record Seen(long count, String node) {}

  /** The last acknowledged count and node of each entity, from every node's ACK lines. */
  private static Map<String, Seen> acknowledged(LocalCluster cluster) {
    Map<String, Seen> seen = new TreeMap<>();
    for (String node : cluster.nodes()) {
      for (String line : cluster.output(node)) {
        Matcher m = ACK.matcher(line);
        if (m.find()) {
          long count = Long.parseLong(m.group(2));
          Seen previous = seen.get(m.group(1));
          if (previous == null || previous.count() < count) {
            seen.put(m.group(1), new Seen(count, m.group(3)));
          }
        }
      }
    }
    return seen;
  }

  /**
   * Property: no acknowledged event is lost by a kill -9, the dead node's entities resume on its
   * ring successor (which holds their events), and they do so within seconds.
   */
  @Test
  void aKilledNodesEntitiesAnswerFromItsRingSuccessorWithEveryAcknowledgedIncrement() {
    try (LocalCluster cluster = LocalCluster.builder(TakeoverNodeMain.class).nodes(3)
        // Keep shards where they are during the measurement: this test is about takeover.
        .jvmOptions("-Dbaton.ring.allocation.rebalance-tolerance=1000")
        .start()) {
      cluster.awaitAllUp(START);
      List<String> nodes = cluster.nodes();
      // Each entity's first message comes from one of the three nodes: locality spreads them.
      for (int i = 0; i < ENTITIES; i++) {
        cluster.send(nodes.get(i % 3), "inc e" + i + " " + INCREMENTS);
      }
      for (int i = 0; i < ENTITIES; i++) {
        cluster.awaitLine(nodes.get(i % 3), "^INC-DONE e" + i + "$|^INC-FAILED e" + i + " ", LONG);
      }
      Map<String, Seen> before = acknowledged(cluster);
      assertEquals(ENTITIES, before.size(), "every entity acknowledged: " + before);
      String node1 = cluster.address("node1");
      List<String> onNode1 = new ArrayList<>();
      before.forEach((id, seen) -> {
        assertTrue(seen.count() >= INCREMENTS, id + ": " + seen);
        if (seen.node().equals(node1)) {
          onNode1.add(id);
        }
      });
      assertFalse(onNode1.isEmpty(), "no entity lives on node1: " + before);

      // node1 < node2 < node3 by port: node2 is node1's ring successor.
      long killed = System.nanoTime();
      cluster.kill9("node1");
      cluster.send("node2", "await " + String.join(",", onNode1));
      cluster.awaitLine("node2", "^ALL-ANSWERED \\d+$", LONG);
      long allAnsweredMs = (System.nanoTime() - killed) / 1_000_000;

      List<Long> times = new ArrayList<>();
      Map<String, Seen> after = new HashMap<>();
      for (String line : cluster.output("node2")) {
        Matcher m = ANSWERED.matcher(line);
        if (m.find()) {
          after.put(m.group(1), new Seen(Long.parseLong(m.group(2)), m.group(3)));
          times.add(Long.parseLong(m.group(4)));
        }
      }
      times.sort(null);
      System.out.printf("TAKEOVER %d entities of node1: kill -> all answering %d ms;"
              + " per entity median %d ms, max %d ms%n", onNode1.size(), allAnsweredMs,
          times.get(times.size() / 2), times.get(times.size() - 1));
      for (String id : onNode1) {
        Seen seen = after.get(id);
        assertTrue(seen.count() >= before.get(id).count(),
            id + " lost acknowledged increments: acked " + before.get(id) + ", now " + seen);
        assertEquals(cluster.address("node2"), seen.node(),
            id + " did not resume on node1's ring successor");
      }

      // The new owners write under the new epoch, going on from the acknowledged history.
      for (String id : onNode1) {
        cluster.send("node3", "inc " + id + " 1");
      }
      for (String id : onNode1) {
        String line = cluster.awaitLine("node3", "^ACK " + id + " \\d+ ", LONG);
        Matcher m = ACK.matcher(line);
        assertTrue(m.find(), line);
        assertEquals(after.get(id).count() + 1, Long.parseLong(m.group(2)),
            id + " went backwards or skipped: " + line);
      }
    }
  }
}
