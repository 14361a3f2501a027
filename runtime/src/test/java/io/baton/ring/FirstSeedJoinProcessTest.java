package io.baton.ring;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.cluster.testkit.LocalCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The first node of a seed list, restarted while the other seeds are alive but do not answer, waits
 * for them and joins their cluster: it never starts a second cluster of the same name beside the
 * live one (which would serve the same entities with a second writer).
 */
@Timeout(180)
class FirstSeedJoinProcessTest {

  private static final Duration START = Duration.ofSeconds(90);
  private static final Duration LONG = Duration.ofSeconds(60);

  /**
   * Property: a restarted first seed whose peers are silent (frozen) for longer than Pekko's
   * seed-node-timeout does not start a cluster of its own; once they answer, it joins theirs.
   */
  @Test
  void aRestartedFirstSeedWaitsForSilentPeersAndJoinsTheirCluster() {
    try (LocalCluster cluster = LocalCluster.builder(TakeoverNodeMain.class).nodes(3).start()) {
      cluster.awaitAllUp(START);
      cluster.kill9("node1");
      cluster.awaitLine("node2", cluster.memberLine("REMOVED", "node1"), LONG);
      cluster.freeze("node2");
      cluster.freeze("node3");
      cluster.restartWithAllSeeds("node1");
      // Old behaviour: node1 starts a cluster of its own after seed-node-timeout (1 s), and
      // reports itself UP. New: it keeps waiting, and says so after 5 s.
      String first = cluster.awaitLine("node1",
          "(" + cluster.memberLine("SELF-UP", "node1") + ")|(Waiting \\d+ s to join the cluster)", LONG);
      assertTrue(first.contains("Waiting"),
          "node1 must wait for its silent peers, not start a cluster of its own; it said: " + first);
      cluster.thaw("node2");
      cluster.thaw("node3");
      // node1 joins the live cluster: it sees node2 as a member, and node2 sees node1 Up again.
      cluster.awaitLine("node1", cluster.memberLine("MEMBER-UP", "node2"), LONG);
      cluster.awaitLine("node2", cluster.memberLine("MEMBER-UP", "node1"), LONG);
    }
  }
}
