package io.baton.upgrade.rolling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.cluster.testkit.LocalCluster;
import io.baton.ops.NodeStatus;
import io.baton.security.TestTokens;
import io.baton.ring.TakeoverNodeMain;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A rolling upgrade of three real node JVMs ({@link TakeoverNodeMain} with the operator endpoint
 * on) under a steady load of increments, driven by {@link RollingUpgrade} over HTTP. "The new
 * jar" is the same class path started with {@code -Dbaton.node.app-version=2}; a jar that cannot
 * start is the same with a JVM option the JVM refuses, so that its process exits with status 1.
 */
@Timeout(600)
class RollingUpgradeProcessTest {

  private static final Duration START = Duration.ofSeconds(90);
  private static final Duration LONG = Duration.ofSeconds(60);
  private static final int ENTITIES = 20;
  private static final Pattern ACK = Pattern.compile("^ACK (\\S+) (\\d+) (\\S+)$");
  private static final Pattern ANSWERED = Pattern.compile("^ANSWERED (\\S+) (\\d+) (\\S+) (\\d+)$");

  /** The releases a test can start a node on: each a set of JVM options. */
  private static final Map<String, List<String>> RELEASES = Map.of(
      "v2", List.of("-Dbaton.node.app-version=2"),
      "broken", List.of("-XX:+BatonNoSuchVmOption"));

  private static final UpgradeDeadlines DEADLINES = UpgradeDeadlines.DEFAULT
      .withDrain(Duration.ofSeconds(90)).withStop(Duration.ofSeconds(60))
      .withStart(Duration.ofSeconds(120)).withCatchUp(Duration.ofSeconds(120))
      .withShards(Duration.ofSeconds(90)).withPoll(Duration.ofMillis(500));

  /** A {@link NodeController} over the test harness: releases are JVM options. */
  private record HarnessController(LocalCluster cluster) implements NodeController {
    @Override
    public void stop(UpgradeTarget node, Duration timeout) {
      cluster.terminate(node.name(), timeout);
    }

    @Override
    public void kill(UpgradeTarget node) {
      cluster.kill9(node.name());
    }

    @Override
    public void start(UpgradeTarget node, String jar) throws NodeControlException {
      List<String> options = RELEASES.get(jar);
      if (options == null) {
        throw new NodeControlException("no release " + jar + " in " + RELEASES.keySet());
      }
      cluster.restart(node.name(), options);
    }

    @Override
    public OptionalInt exitStatus(UpgradeTarget node) {
      return cluster.exitStatus(node.name());
    }

    @Override
    public String describe(UpgradeTarget node) {
      return "pid " + cluster.pid(node.name()) + ", log " + cluster.logFile(node.name());
    }
  }

  /**
   * The steady load: one node increments every counter round robin, each increment retried until
   * acknowledged. Before a node is drained or killed the load moves to another node, so that the
   * load never runs on the node being upgraded. Keeps every ACK line and counts the retries.
   */
  private static final class Load {
    final LocalCluster cluster;
    final List<String> acks = new ArrayList<>();
    int retries;
    int failed;
    String node;
    int from;

    Load(LocalCluster cluster) {
      this.cluster = cluster;
    }

    void startOn(String target) {
      node = target;
      from = cluster.output(target).size();
      cluster.send(target, "load " + ids());
      cluster.awaitLine(target, "^ACK ", LONG);
    }

    void stop() {
      cluster.send(node, "stop-load");
      cluster.awaitLine(node, "^LOAD-STOPPED ", LONG);
      List<String> lines = cluster.output(node);
      for (String line : lines.subList(from, lines.size())) {
        if (line.startsWith("ACK ")) {
          acks.add(line);
        } else if (line.startsWith("INC-RETRY ")) {
          retries++;
        } else if (line.startsWith("INC-FAILED ")) {
          failed++;
        }
      }
      node = null;
    }

    /** Moves the load off {@code leaving} when it runs there. */
    void avoid(String leaving) {
      if (leaving.equals(node)) {
        stop();
        List<String> nodes = cluster.nodes();
        startOn(nodes.get((nodes.indexOf(leaving) + 1) % nodes.size()));
      }
    }
  }

  private static String ids() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < ENTITIES; i++) {
      ids.add("e" + i);
    }
    return String.join(",", ids);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }

  /** Three nodes, each with its operator endpoint on its own port, app version 1. */
  private static LocalCluster start(String name, Map<String, Integer> opsPorts)
      throws IOException {
    LocalCluster.Builder builder = LocalCluster.builder(TakeoverNodeMain.class).nodes(3)
        .name(name)
        .jvmOptions("-Dbaton.ops.enabled=on", "-Dbaton.node.app-version=1",
            "-Dbaton.ops.auth.token-file=" + TestTokens.operatorFile());
    for (String node : List.of("node1", "node2", "node3")) {
      int port = freePort();
      opsPorts.put(node, port);
      builder.nodeJvmOptions(node, "-Dbaton.ops.port=" + port);
    }
    LocalCluster cluster = builder.start();
    cluster.awaitAllUp(START);
    return cluster;
  }

  /** Each counter gets a first increment, from the three nodes in turn. */
  private static void seed(LocalCluster cluster) {
    List<String> nodes = cluster.nodes();
    for (int i = 0; i < ENTITIES; i++) {
      cluster.send(nodes.get(i % 3), "inc e" + i + " 1");
    }
    for (int i = 0; i < ENTITIES; i++) {
      String line = cluster.awaitLine(nodes.get(i % 3), "^INC-DONE e" + i + "$|^INC-FAILED e" + i
          + " ", LONG);
      assertTrue(line.startsWith("INC-DONE"), line);
    }
  }

  /** The targets, listed in reverse ring order: the upgrade must order them itself. */
  private static List<UpgradeTarget> targets(Map<String, Integer> opsPorts) {
    return List.of(new UpgradeTarget("node3", "127.0.0.1:" + opsPorts.get("node3")),
        new UpgradeTarget("node2", "127.0.0.1:" + opsPorts.get("node2")),
        new UpgradeTarget("node1", "127.0.0.1:" + opsPorts.get("node1")));
  }

  /**
   * The last acknowledged count of each counter, checking on the way that counts only grow (every
   * ACK is a new increment, in the order the load made them).
   */
  private static Map<String, Long> lastAcked(List<String> acks) {
    Map<String, Long> last = new HashMap<>();
    for (String line : acks) {
      Matcher m = ACK.matcher(line);
      assertTrue(m.find(), line);
      long count = Long.parseLong(m.group(2));
      Long previous = last.put(m.group(1), count);
      assertTrue(previous == null || count > previous,
          m.group(1) + " went from " + previous + " to " + count);
    }
    return last;
  }

  /** Asks every counter through {@code node} and checks it holds every acknowledged increment. */
  private static void assertNoAcknowledgedIncrementLost(LocalCluster cluster, String node,
      Map<String, Long> acked) {
    int from = cluster.output(node).size();
    cluster.send(node, "await " + ids());
    cluster.awaitLine(node, "^ALL-ANSWERED \\d+$", LONG);
    Map<String, Long> now = new HashMap<>();
    List<String> lines = cluster.output(node);
    for (String line : lines.subList(from, lines.size())) {
      Matcher m = ANSWERED.matcher(line);
      if (m.find()) {
        now.put(m.group(1), Long.parseLong(m.group(2)));
      }
    }
    assertEquals(ENTITIES, now.size(), "every counter answers: " + now);
    acked.forEach((id, count) -> assertTrue(now.get(id) >= count,
        id + " lost acknowledged increments: acked " + count + ", now " + now.get(id)));
  }

  /**
   * Property: a graceful rolling upgrade of 3 nodes under steady load goes in ring order, ends with
   * every node reporting app version 2, no failed increment and no acknowledged increment lost.
   */
  @Test
  void gracefulRollingUpgradeUnderLoadEndsOnTheNewVersionWithNoFailedOrLostIncrement()
      throws Exception {
    Map<String, Integer> opsPorts = new HashMap<>();
    try (LocalCluster cluster = start("rolling-upgrade-graceful", opsPorts)) {
      seed(cluster);
      Load load = new Load(cluster);
      load.startOn("node3");
      List<UpgradeProgress> events = new ArrayList<>();
      UpgradePlan plan = new UpgradePlan(targets(opsPorts), "v2", UpgradeMode.GRACEFUL, null,
          "2", DEADLINES, false);
      ClusterProbe probe = ClusterProbe.http(Duration.ofSeconds(10), Optional.of(TestTokens.OPERATOR));
      long began = System.nanoTime();
      UpgradeReport report = RollingUpgrade.create(plan, new HarnessController(cluster), probe,
          progress -> {
            System.out.println("UPGRADE " + progress.render());
            events.add(progress);
            if (progress.phase() == UpgradePhase.DRAIN) {
              load.avoid(progress.node());
            }
          }).run();
      long upgradeMs = (System.nanoTime() - began) / 1_000_000;
      System.out.println(report.render());

      assertTrue(report.completed(), report.render());
      assertEquals(List.of("node1", "node2", "node3"), report.upgraded(), "ring order");
      // Let the load run on the upgraded cluster, then stop it.
      int target = ENTITIES;
      int seen = 0;
      while (seen++ < target) {
        cluster.awaitLine(load.node, "^ACK ", LONG);
      }
      load.stop();

      NodeStatus status = probe.status("127.0.0.1:" + opsPorts.get("node2"));
      assertEquals(3, status.nodes().size(), status.nodes().toString());
      for (NodeStatus.ClusterNode node : status.nodes()) {
        assertEquals("2", node.appVersion(), node.name() + " runs app version 2");
        assertEquals("Up", node.status(), node.name());
      }
      for (String node : cluster.nodes()) {
        assertEquals(2, cluster.starts(node), node + " was restarted once");
      }
      // An increment not acknowledged within the ask timeout is retried with the same command
      // and counted: the rebalance that follows an undrain can drop a message Pekko buffered for
      // a shard in hand-off ("to avoid re-ordering"); the load's retry masks it, as BatonClient's
      // does. A failed increment is one given up on.
      assertEquals(0, load.failed, "no increment failed");
      Map<String, Long> acked = lastAcked(load.acks);
      assertNoAcknowledgedIncrementLost(cluster, "node2", acked);
      long drainEvents = events.stream().filter(e -> e.phase() == UpgradePhase.AWAIT_DRAINED
          && e.shardsLeft() != null).count();
      System.out.printf("ROLLING UPGRADE graceful: 3 nodes in %d ms, %d acknowledged increments,"
          + " %d retried after an ask timeout, %d failed, %d progress events (%d drain steps)%n",
          upgradeMs, load.acks.size(), load.retries, load.failed, events.size(), drainEvents);
    }
  }

  /**
   * Property: a crash-mode rolling upgrade (SIGKILL, takeover by the successor, restart on the new
   * jar) under steady load ends with every node on app version 2 and no acknowledged increment
   * lost; increments in flight to a killed node are retried, none fails.
   */
  @Test
  void crashRollingUpgradeUnderLoadEndsOnTheNewVersionWithNoLostIncrement() throws Exception {
    Map<String, Integer> opsPorts = new HashMap<>();
    try (LocalCluster cluster = start("rolling-upgrade-crash", opsPorts)) {
      seed(cluster);
      Load load = new Load(cluster);
      load.startOn("node3");
      List<UpgradeProgress> events = new ArrayList<>();
      UpgradePlan plan = new UpgradePlan(targets(opsPorts), "v2", UpgradeMode.CRASH, null, "2",
          DEADLINES, false);
      ClusterProbe probe = ClusterProbe.http(Duration.ofSeconds(10), Optional.of(TestTokens.OPERATOR));
      long began = System.nanoTime();
      UpgradeReport report = RollingUpgrade.create(plan, new HarnessController(cluster), probe,
          progress -> {
            System.out.println("UPGRADE " + progress.render());
            events.add(progress);
            if (progress.phase() == UpgradePhase.KILL) {
              load.avoid(progress.node());
            }
          }).run();
      long upgradeMs = (System.nanoTime() - began) / 1_000_000;
      System.out.println(report.render());

      assertTrue(report.completed(), report.render());
      assertEquals(List.of("node1", "node2", "node3"), report.upgraded(), "ring order");
      assertTrue(events.stream().noneMatch(e -> e.phase() == UpgradePhase.DRAIN),
          "crash mode drains nothing");
      int seen = 0;
      while (seen++ < ENTITIES) {
        cluster.awaitLine(load.node, "^ACK ", LONG);
      }
      load.stop();
      NodeStatus status = probe.status("127.0.0.1:" + opsPorts.get("node2"));
      for (NodeStatus.ClusterNode node : status.nodes()) {
        assertEquals("2", node.appVersion(), node.name() + " runs app version 2");
      }
      assertEquals(0, load.failed, "no increment failed");
      assertNoAcknowledgedIncrementLost(cluster, "node2", lastAcked(load.acks));
      System.out.printf("ROLLING UPGRADE crash: 3 nodes in %d ms, %d acknowledged increments,"
          + " %d retried after an ask timeout, %d failed%n", upgradeMs, load.acks.size(),
          load.retries, load.failed);
    }
  }

  /**
   * Property: when the new jar does not start, the upgrade stops at the first node with a report
   * naming it, no other node is touched, and the cluster still serves every entity with every
   * acknowledged increment.
   */
  @Test
  void aNewJarThatDoesNotStartStopsTheUpgradeAtTheFirstNodeAndTheClusterServesEveryEntity()
      throws Exception {
    Map<String, Integer> opsPorts = new HashMap<>();
    try (LocalCluster cluster = start("rolling-upgrade-broken", opsPorts)) {
      seed(cluster);
      Load load = new Load(cluster);
      load.startOn("node3");
      UpgradePlan plan = new UpgradePlan(targets(opsPorts), "broken", UpgradeMode.GRACEFUL, null,
          null, DEADLINES, false);
      UpgradeReport report = RollingUpgrade.create(plan, new HarnessController(cluster),
          ClusterProbe.http(Duration.ofSeconds(10), Optional.of(TestTokens.OPERATOR)), progress -> {
            System.out.println("UPGRADE " + progress.render());
            if (progress.phase() == UpgradePhase.DRAIN) {
              load.avoid(progress.node());
            }
          }).run();
      System.out.println(report.render());

      assertEquals(UpgradeReport.Outcome.FAILED, report.outcome(), report.render());
      assertEquals("node1", report.failedNode());
      assertEquals(UpgradePhase.AWAIT_HEALTHY, report.failedPhase());
      assertTrue(report.seen().contains("exited with status 1"), report.seen());
      assertEquals(List.of("node2", "node3"), report.untouched());
      assertTrue(report.advice().contains("--resume-from node1"), report.advice());
      assertTrue(report.clusterState().contains("already serves its shards"),
          report.clusterState());
      assertTrue(cluster.output("node1").stream().anyMatch(l -> l.contains("BatonNoSuchVmOption")),
          "the new process said why it did not start");
      assertFalse(cluster.isAlive("node1"));
      assertEquals(1, cluster.starts("node2"), "node2 untouched");
      assertEquals(1, cluster.starts("node3"), "node3 untouched");
      assertTrue(cluster.isAlive("node2") && cluster.isAlive("node3"));

      int seen = 0;
      while (seen++ < ENTITIES) {
        cluster.awaitLine(load.node, "^ACK ", LONG);
      }
      load.stop();
      assertEquals(0, load.failed, "no increment failed");
      assertNoAcknowledgedIncrementLost(cluster, "node2", lastAcked(load.acks));
      System.out.printf("ROLLING UPGRADE broken jar: stopped at %s/%s, %d acknowledged"
          + " increments, %d retries%n", report.failedNode(), report.failedPhase(),
          load.acks.size(), load.retries);
    }
  }
}
