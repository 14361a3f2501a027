package io.baton.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.cluster.testkit.LocalCluster;
import java.nio.file.Files;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real JVMs through {@code BatonNode.start}: a cluster on release 2 whose deposit is active at
 * version 2 refuses a release 1 node (it could not read version 2), which prints why and exits;
 * the cluster is unaffected, and a release 2 node joins it.
 */
@Timeout(240)
class JoinRefusalProcessTest {

  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String DEPOSITED = Ledger.V1.Deposited.class.getName();

  @Test
  void aTooOldJarIsRefusedWithTheReasonAndExitsWhileACompatibleOneJoins() throws Exception {
    try (LocalCluster cluster = LocalCluster.builder(ReleaseNodeMain.class)
        .name("join-refusal").nodes(3).running(1)
        .arguments("--releases=node1:2,node2:1,node3:2")
        .start()) {
      cluster.awaitLine("node1", cluster.memberLine("MEMBER-UP", "node1"), WAIT);
      cluster.awaitLine("node1", "^ACTIVE " + Pattern.quote(DEPOSITED) + " 2$", WAIT);

      cluster.startLater("node2");
      String refusal = cluster.awaitLine("node2",
          "was refused by the cluster: its jar cannot run with", WAIT);
      assertTrue(refusal.contains(cluster.address("node2")), refusal);
      cluster.awaitLine("node2", Pattern.quote(DEPOSITED + ": the cluster writes version 2, this"
          + " jar reads at most version 1 (jar too old)"), WAIT);
      assertEquals(2, cluster.awaitExit("node2", WAIT), "the refused node exits");
      assertTrue(Files.readString(cluster.logFile("node1")).contains(
          "Found incompatible settings when [" + cluster.address("node2") + "] tried to join"),
          "the cluster's member logs the refusal too");

      cluster.startLater("node3");
      cluster.awaitLine("node1", cluster.memberLine("MEMBER-UP", "node3"), WAIT);
      assertTrue(cluster.isAlive("node1"));
      assertTrue(cluster.pollLine("node1", cluster.memberLine("MEMBER-UP", "node2")).isEmpty(),
          "the refused node never became a member");
    }
  }
}
