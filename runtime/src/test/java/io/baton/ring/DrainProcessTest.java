package io.baton.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.cluster.testkit.ClusterEventReporter;
import io.baton.cluster.testkit.LocalCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Moving work off a node with real JVMs on 127.0.0.1: a drained node ends up holding nothing while
 * clients keep writing, and gets its share back when undrained; a node frozen past the failure
 * detector is downed, its entities answer from its successor, and once thawed it writes nothing
 * under its old ownership and leaves.
 */
@Timeout(240)
class DrainProcessTest {

  private static final Duration START = Duration.ofSeconds(90);
  private static final Duration LONG = Duration.ofSeconds(60);
  private static final int ENTITIES = 30;
  private static final Pattern ACK = Pattern.compile("^ACK (\\S+) (\\d+) (\\S+)$");
  private static final Pattern ANSWERED = Pattern.compile("^ANSWERED (\\S+) (\\d+) (\\S+) (\\d+)$");

  private static String ids(List<String> ids) {
    return String.join(",", ids);
  }

  private static List<String> allIds() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < ENTITIES; i++) {
      ids.add("e" + i);
    }
    return ids;
  }

  /** Each entity gets its first increment from one of the three nodes: locality spreads them. */
  private static void seed(LocalCluster cluster, int increments) {
    List<String> nodes = cluster.nodes();
    for (int i = 0; i < ENTITIES; i++) {
      cluster.send(nodes.get(i % 3), "inc e" + i + " " + increments);
    }
    for (int i = 0; i < ENTITIES; i++) {
      String line = cluster.awaitLine(nodes.get(i % 3), "^INC-DONE e" + i + "$|^INC-FAILED e" + i + " ", LONG);
      assertTrue(line.startsWith("INC-DONE"), line);
    }
  }

  /** Every ACK line of {@code node}'s output from line {@code from} on. */
  private static List<Matcher> acks(LocalCluster cluster, String node, int from) {
    List<String> lines = cluster.output(node);
    List<Matcher> acks = new ArrayList<>();
    for (String line : lines.subList(from, lines.size())) {
      Matcher m = ACK.matcher(line);
      if (m.find()) {
        acks.add(m);
      }
    }
    return acks;
  }

  private static Map<String, Long> answered(LocalCluster cluster, String node, int from,
      Map<String, String> where) {
    Map<String, Long> counts = new HashMap<>();
    List<String> lines = cluster.output(node);
    for (String line : lines.subList(from, lines.size())) {
      Matcher m = ANSWERED.matcher(line);
      if (m.find()) {
        counts.put(m.group(1), Long.parseLong(m.group(2)));
        where.put(m.group(1), m.group(3));
      }
    }
    return counts;
  }

  /**
   * Property: a drain under steady client load loses no acknowledged increment, fails no request
   * and leaves the drained node empty; undrain gives it shards back.
   */
  @Test
  void aDrainedNodeEndsEmptyUnderLoadWithNoLostIncrementAndUndrainGivesItShardsBack() {
    try (LocalCluster cluster = LocalCluster.builder(TakeoverNodeMain.class).nodes(3).start()) {
      cluster.awaitAllUp(START);
      seed(cluster, 1);
      String node2 = cluster.address("node2");
      cluster.send("node1", "await-holds " + node2);
      cluster.awaitLine("node1", "^HOLDS ", LONG);

      int loadFrom = cluster.output("node1").size();
      cluster.send("node1", "load " + ids(allIds()));
      cluster.awaitLine("node1", "^ACK ", LONG);

      long drainAt = System.nanoTime();
      cluster.send("node3", "drain " + node2);
      String requested = cluster.awaitLine("node3", "^DRAIN-REQUESTED ", LONG);
      assertTrue(requested.endsWith(" true"), requested);
      cluster.send("node1", "await-drained " + node2);
      cluster.awaitLine("node1", "^DRAIN-COMPLETE " + Pattern.quote(node2) + " ", LONG);
      long drainedMs = (System.nanoTime() - drainAt) / 1_000_000;
      cluster.send("node1", "status");
      List<String> status = new ArrayList<>();
      for (String line = cluster.awaitLine("node1", "^SHARDS |^STATUS-END$", LONG);
          !line.equals("STATUS-END");
          line = cluster.awaitLine("node1", "^SHARDS |^STATUS-END$", LONG)) {
        status.add(line);
      }
      assertTrue(status.contains("SHARDS " + node2 + " 0 true true"), status.toString());
      int acksAtDrained = acks(cluster, "node1", loadFrom).size();

      long undrainAt = System.nanoTime();
      cluster.send("node1", "undrain " + node2);
      cluster.awaitLine("node1", "^UNDRAIN-REQUESTED ", LONG);
      cluster.send("node1", "await-holds " + node2);
      String holds = cluster.awaitLine("node1", "^HOLDS " + Pattern.quote(node2) + " ", LONG);
      long undrainedMs = (System.nanoTime() - undrainAt) / 1_000_000;
      // Let the load reach the shards node2 got back.
      int target = acks(cluster, "node1", loadFrom).size() + 2 * ENTITIES;
      while (acks(cluster, "node1", loadFrom).size() < target) {
        cluster.awaitLine("node1", "^ACK ", LONG);
      }
      cluster.send("node1", "stop-load");
      String stopped = cluster.awaitLine("node1", "^LOAD-STOPPED ", LONG);

      // Counts never go backwards, and every ACK is a new increment.
      Map<String, Long> last = new HashMap<>();
      boolean servedByNode2AfterUndrain = false;
      List<Matcher> acks = acks(cluster, "node1", loadFrom);
      for (int i = 0; i < acks.size(); i++) {
        Matcher m = acks.get(i);
        long count = Long.parseLong(m.group(2));
        Long previous = last.put(m.group(1), count);
        assertTrue(previous == null || count > previous,
            m.group(1) + " went from " + previous + " to " + count);
        if (i >= acksAtDrained && m.group(3).equals(node2)) {
          servedByNode2AfterUndrain = true;
        }
      }
      for (String node : cluster.nodes()) {
        assertFalse(cluster.output(node).stream().anyMatch(l -> l.startsWith("INC-FAILED")),
            node + " had a failed increment");
      }
      // No acknowledged increment is lost: every counter answers at least its last ACK.
      int from = cluster.output("node3").size();
      cluster.send("node3", "await " + ids(allIds()));
      cluster.awaitLine("node3", "^ALL-ANSWERED \\d+$", LONG);
      Map<String, Long> now = answered(cluster, "node3", from, new HashMap<>());
      last.forEach((id, acked) -> assertTrue(now.get(id) >= acked,
          id + " lost acknowledged increments: acked " + acked + ", now " + now.get(id)));
      System.out.printf("DRAIN node2: drain -> empty %d ms; undrain -> holds shards %d ms (%s);"
              + " %d acknowledged increments, %s; served by node2 after undrain: %s%n",
          drainedMs, undrainedMs, holds, acks.size(), stopped, servedByNode2AfterUndrain);
    }
  }

  /**
   * Property: a node frozen longer than the failure detector allows is downed, its entities answer
   * from its ring successor with every acknowledged increment, and after SIGCONT it writes nothing
   * under its old ownership and leaves the cluster.
   */
  @Test
  void aFrozenNodeIsDownedItsEntitiesMoveToItsSuccessorAndOnThawItWritesNothing() {
    try (LocalCluster cluster = LocalCluster.builder(TakeoverNodeMain.class).nodes(3)
        .jvmOptions("-Dbaton.ring.allocation.rebalance-tolerance=1000")
        .start()) {
      cluster.awaitAllUp(START);
      seed(cluster, 3);
      String node2 = cluster.address("node2");
      String node3 = cluster.address("node3");
      Map<String, Long> acked = new HashMap<>();
      List<String> onNode2 = new ArrayList<>();
      for (String node : cluster.nodes()) {
        for (Matcher m : acks(cluster, node, 0)) {
          acked.merge(m.group(1), Long.parseLong(m.group(2)), Math::max);
          if (m.group(3).equals(node2) && !onNode2.contains(m.group(1))) {
            onNode2.add(m.group(1));
          }
        }
      }
      assertFalse(onNode2.isEmpty(), "no entity lives on node2");

      int node2Before = cluster.output("node2").size();
      long frozenAt = System.nanoTime();
      cluster.freeze("node2");
      // Work for the frozen node's own entities waits in its stdin: it runs right after SIGCONT.
      for (String id : onNode2) {
        cluster.send("node2", "inc " + id + " 1");
      }
      int from = cluster.output("node1").size();
      cluster.send("node1", "await " + ids(onNode2));
      cluster.awaitLine("node1", "^ALL-ANSWERED \\d+$", LONG);
      long answeredMs = (System.nanoTime() - frozenAt) / 1_000_000;
      Map<String, String> where = new HashMap<>();
      Map<String, Long> takenOver = answered(cluster, "node1", from, where);
      for (String id : onNode2) {
        assertEquals(node3, where.get(id), id + " did not resume on node2's ring successor");
        assertTrue(takenOver.get(id) >= acked.get(id),
            id + " lost acknowledged increments: acked " + acked.get(id) + ", now " + takenOver.get(id));
      }
      cluster.awaitLine("node1", cluster.memberLine(ClusterEventReporter.REMOVED, "node2"), LONG);

      long thawedAt = System.nanoTime();
      cluster.thaw("node2");
      int exit = cluster.awaitExit("node2", LONG);
      long exitMs = (System.nanoTime() - thawedAt) / 1_000_000;
      List<String> after = cluster.output("node2");
      after = after.subList(Math.min(node2Before, after.size()), after.size());
      for (String line : after) {
        Matcher m = ACK.matcher(line);
        assertFalse(m.find() && m.group(3).equals(node2),
            "the downed node acknowledged a write under its old ownership: " + line);
      }
      assertEquals(2, exit, "the thawed node should stop itself (TERMINATED): " + after);

      // The new owner's counts did not move: nothing the thawed node tried reached them.
      int again = cluster.output("node1").size();
      cluster.send("node1", "await " + ids(onNode2));
      cluster.awaitLine("node1", "^ALL-ANSWERED \\d+$", LONG);
      Map<String, Long> finalCounts = answered(cluster, "node1", again, new HashMap<>());
      assertEquals(takenOver, finalCounts, "counts changed after the thaw");
      System.out.printf("FREEZE node2 (%d entities): SIGSTOP -> all answering on node3 %d ms;"
              + " SIGCONT -> exit %d after %d ms; its output after thaw: %s%n",
          onNode2.size(), answeredMs, exit, exitMs,
          after.stream().filter(l -> l.matches("^(INC-|ACK |TERMINATED|SELF-).*")
              || l.contains("Fenced") || l.contains("fenced")).limit(20).toList());
    }
  }
}
