package io.baton.cluster;

import static io.baton.cluster.testkit.ClusterEventReporter.MEMBER_UP;
import static io.baton.cluster.testkit.ClusterEventReporter.REMOVED;
import static io.baton.cluster.testkit.ClusterEventReporter.SELF_UP;
import static io.baton.cluster.testkit.ClusterEventReporter.UNREACHABLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.cluster.testkit.LocalCluster;
import io.baton.cluster.testkit.TestNodeMain;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * The harness, proved on real JVMs: three {@link TestNodeMain} nodes on 127.0.0.1 form a cluster,
 * and the failures {@link LocalCluster} injects (kill -9, SIGSTOP/SIGCONT, restart) have the
 * effects the coming journal and takeover tests will rely on. Each test starts its own cluster,
 * which {@link #stopCluster} kills by PID whatever the outcome; detection times are printed.
 */
@Timeout(value = 75, unit = TimeUnit.SECONDS)
class LocalClusterTest {

  /** Three JVMs starting and joining on 2 cores: about 5 s, generous for a loaded machine. */
  private static final Duration FORMATION = Duration.ofSeconds(45);
  /**
   * Loss of a node until it is removed: about 3 s to unreachable, {@code stable-after} 2 s plus up
   * to 1 s to down, a leader tick to remove; generous for a loaded machine.
   */
  private static final Duration NODE_LOSS = Duration.ofSeconds(30);
  private static final Duration REPLY = Duration.ofSeconds(10);
  /**
   * From a stop to the process's exit: coordinated shutdown, and at worst the termination guard
   * (the actor-system-terminate phase's 10 s plus 5 s, {@link io.baton.runtime.NodeExit}).
   */
  private static final Duration STOP = Duration.ofSeconds(60);

  private LocalCluster cluster;

  @BeforeEach
  void startCluster(TestInfo test) {
    long startedAt = System.nanoTime();
    cluster =
        LocalCluster.builder(TestNodeMain.class)
            .nodes(3)
            .name(test.getTestMethod().orElseThrow().getName())
            .start();
    cluster.awaitAllUp(FORMATION);
    report("start 3 JVMs -> every node sees 3 Up", startedAt);
  }

  @AfterEach
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** The property: every node sees every node Up, itself included, and lists the same members. */
  @Test
  void threeNodesFormOneClusterInWhichEachSeesAllThreeUp() {
    String all =
        cluster.nodes().stream().map(cluster::address).sorted().collect(Collectors.joining(","));
    for (String node : cluster.nodes()) {
      cluster.awaitLine(node, cluster.memberLine(SELF_UP, node), REPLY);
      cluster.send(node, "members");
      assertEquals("MEMBERS " + all, cluster.awaitLine(node, "^MEMBERS ", REPLY));
    }
  }

  /**
   * The property: the oldest node (the leader and seed) killed with SIGKILL is removed by both
   * survivors within the node-loss deadline, and they go on as a cluster of two.
   */
  @Test
  void aKilledNodeIsRemovedByTheOthersWithinSeconds() {
    String victim = "node1";
    List<String> survivors = List.of("node2", "node3");
    long killedAt = System.nanoTime();
    cluster.kill9(victim);

    long deadline = killedAt + NODE_LOSS.toNanos();
    for (String survivor : survivors) {
      cluster.awaitLine(survivor, cluster.memberLine(UNREACHABLE, victim), left(deadline));
      report("kill -9 " + victim + " -> UNREACHABLE at " + survivor, killedAt);
    }
    for (String survivor : survivors) {
      cluster.awaitLine(survivor, cluster.memberLine(REMOVED, victim), left(deadline));
      report("kill -9 " + victim + " -> REMOVED at " + survivor, killedAt);
    }
    String remaining = cluster.address("node2") + "," + cluster.address("node3");
    for (String survivor : survivors) {
      cluster.send(survivor, "members");
      assertEquals("MEMBERS " + remaining, cluster.awaitLine(survivor, "^MEMBERS ", REPLY));
    }
  }

  /**
   * The property: a hung node (SIGSTOP) is downed and removed by the majority; when it runs again
   * (SIGCONT) it learns it was removed and stops, and it never comes back as the same incarnation.
   */
  @Test
  void aFrozenNodeIsRemovedAndOnceThawedStopsWithoutRejoining() {
    String victim = "node3";
    List<String> survivors = List.of("node1", "node2");
    long frozenAt = System.nanoTime();
    cluster.freeze(victim);

    long deadline = frozenAt + NODE_LOSS.toNanos();
    for (String survivor : survivors) {
      cluster.awaitLine(survivor, cluster.memberLine(UNREACHABLE, victim), left(deadline));
      report("SIGSTOP " + victim + " -> UNREACHABLE at " + survivor, frozenAt);
    }
    for (String survivor : survivors) {
      cluster.awaitLine(survivor, cluster.memberLine(REMOVED, victim), left(deadline));
      report("SIGSTOP " + victim + " -> REMOVED at " + survivor, frozenAt);
    }

    long thawedAt = System.nanoTime();
    cluster.thaw(victim);
    // It learns its fate from the survivors (they quarantined it) or from its own resolver (it is
    // alone, the minority): either way its ActorSystem stops and the process exits, "downed".
    String terminated = cluster.awaitLine(victim, "^TERMINATED ", STOP);
    report("SIGCONT " + victim + " -> " + terminated, thawedAt);
    assertEquals(TestNodeMain.EXIT_DOWNED, cluster.awaitExit(victim, REPLY));

    // The process is gone, so the old incarnation cannot come back later; check that it did not
    // come back before it went: the survivors list only themselves, and (the MEMBERS reply being
    // printed after every earlier event) saw no second MEMBER-UP of it.
    String remaining = cluster.address("node1") + "," + cluster.address("node2");
    for (String survivor : survivors) {
      cluster.send(survivor, "members");
      assertEquals("MEMBERS " + remaining, cluster.awaitLine(survivor, "^MEMBERS ", REPLY));
      assertTrue(
          cluster.pollLine(survivor, cluster.memberLine(MEMBER_UP, victim)).isEmpty(),
          survivor + " saw the thawed " + victim + " Up again");
    }
  }

  /**
   * The property: a node killed and restarted with the same name, port and data directory joins
   * the cluster again as a new incarnation, even the seed node, and finds its data directory.
   */
  @Test
  void aRestartedNodeJoinsAgainWithTheSameNamePortAndDataDirectory() {
    String victim = "node1";
    List<String> survivors = List.of("node2", "node3");
    long killedAt = System.nanoTime();
    cluster.kill9(victim);
    cluster.restart(victim);

    assertEquals(2, cluster.starts(victim));
    cluster.awaitLine(victim, "^INCARNATION 2$", FORMATION);
    long deadline = killedAt + FORMATION.toNanos();
    cluster.awaitLine(victim, cluster.memberLine(SELF_UP, victim), left(deadline));
    report("kill -9 and restart " + victim + " -> SELF-UP", killedAt);
    for (String survivor : survivors) {
      // The old incarnation goes first (a new incarnation of an address replaces the old one).
      cluster.awaitLine(survivor, cluster.memberLine(REMOVED, victim), left(deadline));
      cluster.awaitLine(survivor, cluster.memberLine(MEMBER_UP, victim), left(deadline));
      report("kill -9 and restart " + victim + " -> MEMBER-UP again at " + survivor, killedAt);
    }
    for (String node : cluster.nodes()) {
      cluster.awaitLine(victim, cluster.memberLine(MEMBER_UP, node), left(deadline));
    }
  }

  /**
   * The property: {@code leave} and {@code exit} stop a node gracefully: the others remove it and
   * its process exits with status 0.
   */
  @Test
  void aNodeThatLeavesOrExitsIsRemovedAndItsProcessExitsWithStatusZero() {
    long leftAt = System.nanoTime();
    cluster.send("node3", "leave");
    for (String survivor : List.of("node1", "node2")) {
      cluster.awaitLine(survivor, cluster.memberLine(REMOVED, "node3"), NODE_LOSS);
    }
    report("leave node3 -> REMOVED at node1 and node2", leftAt);
    assertEquals(0, cluster.awaitExit("node3", STOP));

    long exitAt = System.nanoTime();
    cluster.send("node2", "exit");
    cluster.awaitLine("node1", cluster.memberLine(REMOVED, "node2"), NODE_LOSS);
    report("exit node2 -> REMOVED at node1", exitAt);
    assertEquals(0, cluster.awaitExit("node2", STOP));
    assertFalse(cluster.isAlive("node2"));
    assertTrue(cluster.isAlive("node1"));
  }

  // ------------------------------------------------------------------ helpers

  private static Duration left(long deadlineNanos) {
    return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
  }

  private static void report(String what, long sinceNanos) {
    System.out.printf(
        "[timing] %s: %d ms%n",
        what, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos));
  }
}
