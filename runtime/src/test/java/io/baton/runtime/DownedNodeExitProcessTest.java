package io.baton.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.baton.cluster.testkit.LocalCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Property: the process of a downed node ends even when its actor system never finishes
 * terminating ({@link DownedNodeExit}): it halts with {@code baton.node.downing.halt-exit-code}
 * (2). Without the guard the node below runs on for ever, serving nothing and holding its
 * journal's lock and its ports (seen in CI: a node thawed after SIGSTOP whose termination hung).
 */
class DownedNodeExitProcessTest {

  private static final Duration START = Duration.ofSeconds(60);
  /** Coordinated shutdown to its last phase, its 10 s timeout, the guard's 5 s, with slack. */
  private static final Duration EXIT = Duration.ofSeconds(60);

  @Test
  void aDownedNodeWhoseActorSystemCannotTerminateHaltsWithTheDownedExitStatus() {
    try (LocalCluster cluster = LocalCluster.builder(StuckTerminationNodeMain.class).nodes(1)
        .start()) {
      cluster.awaitAllUp(START);
      cluster.send("node1", "down-self");
      cluster.awaitLine("node1", "^STOP-BLOCKED$", EXIT);
      int exit = cluster.awaitExit("node1", EXIT);
      assertEquals(2, exit, "a downed node whose actor system hangs should halt with status 2,"
          + " not " + exit + ": " + cluster.output("node1"));
    }
  }
}
