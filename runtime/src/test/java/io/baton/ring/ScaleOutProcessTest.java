package io.baton.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.cluster.testkit.ClusterEventReporter;
import io.baton.cluster.testkit.LocalCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scale-out with real JVMs on 127.0.0.1: two nodes under steady load, a third joins and receives
 * about half of the busiest node's load, measured in messages per second, and serves it; no
 * acknowledged increment is lost across the moves.
 */
@Timeout(300)
class ScaleOutProcessTest {

  private static final Duration START = Duration.ofSeconds(90);
  private static final Duration LONG = Duration.ofSeconds(60);
  private static final int ENTITIES = 40;
  /** Acknowledged increments node3 must serve before the load stops. */
  private static final int SERVED_BY_NEW_NODE = 100;
  private static final Pattern ACK = Pattern.compile("^ACK (\\S+) (\\d+) (\\S+)$");
  private static final Pattern ANSWERED = Pattern.compile("^ANSWERED (\\S+) (\\d+) (\\S+) (\\d+)$");
  private static final Pattern LOAD = Pattern.compile("^LOAD (\\S+) ([\\d.]+) (\\d+)$");
  private static final String MOVE =
      "Rebalance: moving (\\d+) of (\\d+) shards \\(([\\d.]+) of ([\\d.]+) msg/s\\) from (\\S+) to ";

  private static List<String> allIds() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < ENTITIES; i++) {
      ids.add("e" + i);
    }
    return ids;
  }

  /** The shard of an entity under the default extractor (baton.ring.sharding.number-of-shards = 100). */
  private static String shardOf(String entityId) {
    return ShardedCounter.KEY.name() + "/" + Math.abs(entityId.hashCode() % 100);
  }

  private static List<Matcher> matches(List<String> lines, Pattern pattern) {
    List<Matcher> result = new ArrayList<>();
    for (String line : lines) {
      Matcher m = pattern.matcher(line);
      if (m.find()) {
        result.add(m);
      }
    }
    return result;
  }

  /** Asks {@code node} for every member's measured load: address to messages per second. */
  private static Map<String, Double> loads(LocalCluster cluster, String node) {
    int from = cluster.output(node).size();
    cluster.send(node, "load-stats");
    cluster.awaitLine(node, "^LOAD-END$", LONG);
    List<String> lines = cluster.output(node);
    Map<String, Double> loads = new HashMap<>();
    for (Matcher m : matches(lines.subList(from, lines.size()), LOAD)) {
      loads.put(m.group(1), Double.parseDouble(m.group(2)));
    }
    return loads;
  }

  /** Asks {@code node} where every shard is: shard ({@code type/id}) to host address. */
  private static Map<String, String> where(LocalCluster cluster, String node) {
    int from = cluster.output(node).size();
    cluster.send(node, "where");
    cluster.awaitLine(node, "^WHERE-END$", LONG);
    List<String> lines = cluster.output(node);
    Map<String, String> hosts = new HashMap<>();
    for (String line : lines.subList(from, lines.size())) {
      if (line.startsWith("HOSTS ")) {
        String[] words = line.split(" ");
        if (!words[2].equals("-")) {
          for (String shard : words[2].split(",")) {
            hosts.put(shard, words[1]);
          }
        }
      }
    }
    return hosts;
  }

  /** Waits for {@code count} more lines matching {@code regex} on {@code node}. */
  private static void awaitLines(LocalCluster cluster, String node, String regex, int count) {
    for (int i = 0; i < count; i++) {
      cluster.awaitLine(node, regex, LONG);
    }
  }

  /**
   * Property: a node that joins a loaded cluster first receives about half (30-70 %) of the
   * busiest node's measured load and shards, its shards are answered from it, and every
   * acknowledged increment survives the moves.
   */
  @Test
  void aJoiningNodeReceivesAboutHalfOfTheBusiestNodesLoadAndNoAcknowledgedIncrementIsLost() {
    try (LocalCluster cluster = LocalCluster.builder(TakeoverNodeMain.class).nodes(3).running(2)
        .name("ScaleOutProcessTest")
        .jvmOptions("-Dbaton.ring.load.half-life=3s")
        .start()) {
      long deadline = System.nanoTime() + START.toNanos();
      for (String observer : List.of("node1", "node2")) {
        for (String member : List.of("node1", "node2")) {
          cluster.awaitLine(observer, cluster.memberLine(ClusterEventReporter.MEMBER_UP, member),
              Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        }
      }
      // Each entity's first message comes from node1 or node2: its shard starts there.
      for (int i = 0; i < ENTITIES; i++) {
        cluster.send(i % 2 == 0 ? "node1" : "node2", "inc e" + i + " 1");
      }
      for (int i = 0; i < ENTITIES; i++) {
        String line = cluster.awaitLine(i % 2 == 0 ? "node1" : "node2",
            "^INC-DONE e" + i + "$|^INC-FAILED e" + i + " ", LONG);
        assertTrue(line.startsWith("INC-DONE"), line);
      }
      String ids = String.join(",", allIds());
      cluster.send("node1", "load " + ids);
      cluster.send("node2", "load " + ids);

      // Steady load, measured on both nodes and known to the coordinator's node (node1).
      String node1 = cluster.address("node1");
      String node2 = cluster.address("node2");
      Map<String, Double> before = loads(cluster, "node1");
      while (before.getOrDefault(node1, 0.0) < 5 || before.getOrDefault(node2, 0.0) < 5) {
        awaitLines(cluster, "node1", "^ACK ", 50); // paced by the load, not by a sleep
        before = loads(cluster, "node1");
      }

      int node1AtJoin = cluster.output("node1").size();
      long joinAt = System.nanoTime();
      cluster.startLater("node3");
      String node3 = cluster.address("node3");
      cluster.awaitLine("node1", cluster.memberLine(ClusterEventReporter.MEMBER_UP, "node3"),
          START);
      long upMs = (System.nanoTime() - joinAt) / 1_000_000;
      String moveLine = cluster.awaitLine("node1", MOVE + Pattern.quote(node3) + " ", LONG);
      long firstMoveMs = (System.nanoTime() - joinAt) / 1_000_000;
      Matcher move = Pattern.compile(MOVE).matcher(moveLine);
      assertTrue(move.find(), moveLine);
      int moved = Integer.parseInt(move.group(1));
      int ofShards = Integer.parseInt(move.group(2));
      double movedLoad = Double.parseDouble(move.group(3));
      double fromLoad = Double.parseDouble(move.group(4));
      String from = move.group(5);
      assertTrue(from.equals(node1) || from.equals(node2), moveLine);
      double shardShare = (double) moved / ofShards;
      double loadShare = movedLoad / fromLoad;
      assertTrue(shardShare >= 0.3 && shardShare <= 0.7,
          "node3 got " + moved + " of the busiest node's " + ofShards + " shards: " + moveLine);
      assertTrue(loadShare >= 0.3 && loadShare <= 0.7,
          "node3 got " + movedLoad + " of the busiest node's " + fromLoad + " msg/s: " + moveLine);

      cluster.send("node1", "await-holds " + node3);
      String holds = cluster.awaitLine("node1", "^HOLDS " + Pattern.quote(node3) + " ", LONG);
      long holdsMs = (System.nanoTime() - joinAt) / 1_000_000;
      // The load reaches node3's entities: node3 serves acknowledged increments.
      int served = 0;
      while (served < SERVED_BY_NEW_NODE) {
        cluster.awaitLine("node1", "^ACK \\S+ \\d+ " + Pattern.quote(node3) + "$", LONG);
        served++;
      }
      Map<String, Double> after = loads(cluster, "node1");
      cluster.send("node1", "stop-load");
      cluster.send("node2", "stop-load");
      String stopped1 = cluster.awaitLine("node1", "^LOAD-STOPPED ", LONG);
      String stopped2 = cluster.awaitLine("node2", "^LOAD-STOPPED ", LONG);

      // Where each entity answers from agrees with where its shard is, node3's included. A
      // rebalance between the two looks is possible (load decays once stopped): look again.
      Map<String, Long> finalCounts = new HashMap<>();
      Map<String, String> answeredBy = new HashMap<>();
      Map<String, String> hosts = Map.of();
      boolean settled = false;
      for (int attempt = 0; attempt < 5 && !settled; attempt++) {
        hosts = where(cluster, "node2");
        int from2 = cluster.output("node2").size();
        cluster.send("node2", "await " + ids);
        cluster.awaitLine("node2", "^ALL-ANSWERED \\d+$", LONG);
        List<String> lines = cluster.output("node2");
        for (Matcher m : matches(lines.subList(from2, lines.size()), ANSWERED)) {
          finalCounts.put(m.group(1), Long.parseLong(m.group(2)));
          answeredBy.put(m.group(1), m.group(3));
        }
        settled = hosts.equals(where(cluster, "node2"));
      }
      assertTrue(settled, "shards kept moving after the load stopped");
      Set<String> onNode3 = new HashSet<>();
      for (String id : allIds()) {
        assertEquals(hosts.get(shardOf(id)), answeredBy.get(id),
            id + " (shard " + shardOf(id) + ") answered from elsewhere than its shard's host");
        if (node3.equals(answeredBy.get(id))) {
          onNode3.add(id);
        }
      }
      assertFalse(onNode3.isEmpty(), "node3 answers for no entity: " + hosts);

      // No acknowledged increment is lost: every ACK is a distinct event (its count is unique
      // for its entity, whichever node asked) and the final count is at least the highest ACK.
      Map<String, Set<Long>> acked = new HashMap<>();
      int acks = 0;
      for (String node : List.of("node1", "node2")) {
        for (Matcher m : matches(cluster.output(node), ACK)) {
          acks++;
          assertTrue(acked.computeIfAbsent(m.group(1), k -> new HashSet<>())
                  .add(Long.parseLong(m.group(2))),
              m.group(1) + ": two acknowledgements of count " + m.group(2));
        }
        assertFalse(cluster.output(node).stream().anyMatch(l -> l.startsWith("INC-FAILED")),
            node + " had a failed increment");
      }
      acked.forEach((id, counts) -> {
        long highest = counts.stream().mapToLong(Long::longValue).max().orElseThrow();
        assertTrue(finalCounts.get(id) >= highest,
            id + " lost acknowledged increments: acked " + highest + ", now " + finalCounts.get(id));
      });

      List<String> node1Lines = cluster.output("node1");
      long roundsBefore = node1Lines.subList(0, node1AtJoin).stream()
          .filter(l -> l.contains("Rebalance: moving")).count();
      long roundsAfter = node1Lines.subList(node1AtJoin, node1Lines.size()).stream()
          .filter(l -> l.contains("Rebalance: moving")).count();
      Map<String, Integer> shardsPerNode = new HashMap<>();
      hosts.values().forEach(host -> shardsPerNode.merge(host, 1, Integer::sum));
      System.out.printf(java.util.Locale.ROOT,
          "SCALE-OUT node3 Up %d ms after start; first move %d ms: %d of %d shards (%.0f %%),"
              + " %.1f of %.1f msg/s (%.0f %%) from %s; node3 holds shards %d ms (%s);"
              + " load before join %s, with node3 %s; shards at the end %s;"
              + " %d acknowledged increments, node1 %s, node2 %s; entities on node3 %d;"
              + " rebalance rounds before the join %d, after %d%n",
          upMs, firstMoveMs, moved, ofShards, 100 * shardShare, movedLoad, fromLoad,
          100 * loadShare, from.equals(node1) ? "node1" : "node2", holdsMs, holds,
          before, after, shardsPerNode, acks, stopped1, stopped2, onNode3.size(), roundsBefore,
          roundsAfter);
    }
  }
}
