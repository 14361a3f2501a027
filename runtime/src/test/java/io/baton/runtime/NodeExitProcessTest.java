package io.baton.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.cluster.testkit.LocalCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Properties of how a node's process ends ({@link NodeExit}, {@link
 * BatonNode#exitWhenTerminated()}): a SIGTERM ends it with status 0; a downed node exits 2; both
 * even when its actor system never finishes terminating (without the guard that node runs on for
 * ever, serving nothing and holding its journal's lock and its ports: seen in CI, a node thawed
 * after SIGSTOP, and more rarely one that left gracefully, whose termination hung).
 */
class NodeExitProcessTest {

  private static final Duration START = Duration.ofSeconds(60);
  /** Coordinated shutdown to its last phase, its timeout (2 s here), the guard's 5 s, with slack. */
  private static final Duration EXIT = Duration.ofSeconds(60);

  @Test
  void aSigtermEndsTheNodeWithStatusZero() {
    try (LocalCluster cluster = LocalCluster.builder(ExitStatusNodeMain.class).nodes(1).start()) {
      cluster.awaitAllUp(START);
      assertTrue(cluster.terminate("node1", EXIT), "node1 did not stop after SIGTERM");
      assertEquals(0, cluster.exitStatus("node1").orElseThrow(),
          "a stop that was asked for is not a failure: " + cluster.output("node1"));
    }
  }

  @Test
  void aDownedNodeExitsWithStatusTwo() {
    try (LocalCluster cluster = LocalCluster.builder(ExitStatusNodeMain.class).nodes(1).start()) {
      cluster.awaitAllUp(START);
      cluster.send("node1", "down-self");
      assertEquals(2, cluster.awaitExit("node1", EXIT), String.valueOf(cluster.output("node1")));
    }
  }

  @Test
  void aDownedNodeWhoseActorSystemCannotTerminateHaltsWithStatusTwo() {
    assertAStuckNodeHalts("down-self", 2);
  }

  @Test
  void aNodeThatLeftWhoseActorSystemCannotTerminateHaltsWithStatusZero() {
    assertAStuckNodeHalts("leave", 0);
  }

  /**
   * A node whose actor system cannot terminate, stopped by {@code command}, halts with {@code
   * status}: the stop's own, whatever hangs.
   */
  private static void assertAStuckNodeHalts(String command, int status) {
    try (LocalCluster cluster = LocalCluster.builder(ExitStatusNodeMain.class).nodes(1)
        .jvmOptions("-D" + ExitStatusNodeMain.STUCK + "=on",
            // The guard waits this phase's timeout (10 s by default) plus its margin: shorter here,
            // the same rule.
            "-Dpekko.coordinated-shutdown.phases.actor-system-terminate.timeout=2s").start()) {
      cluster.awaitAllUp(START);
      cluster.send("node1", command);
      cluster.awaitLine("node1", "^STOP-BLOCKED$", EXIT);
      int exit = cluster.awaitExit("node1", EXIT);
      assertEquals(status, exit, "a node stopped by '" + command + "' whose actor system hangs"
          + " should halt with status " + status + ", not " + exit + ": "
          + cluster.output("node1"));
    }
  }
}
