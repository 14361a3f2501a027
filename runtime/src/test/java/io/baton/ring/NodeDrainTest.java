package io.baton.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.journal.InProcessCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: an undrain asked of a node that has not yet received the drain (it joined after it,
 * and Distributed Data gossip has not reached it) still clears the drain cluster-wide. Gossip is
 * slowed to an hour so that the late node can only learn the drain by reading it.
 */
class NodeDrainTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @TempDir Path dir;

  @Test
  void anUndrainFromANodeThatHasNotSeenTheDrainStillClearsIt() throws Exception {
    try (InProcessCluster cluster = new InProcessCluster(dir,
        "pekko.cluster.distributed-data.gossip-interval = 1h")) {
      int first = cluster.start("a");
      int drainedNode = cluster.start("b");
      cluster.awaitUp(2);
      // As BatonNode does at start: every node runs its replicator and drain subscriber.
      NodeDrain.get(cluster.system(first));
      NodeDrain.get(cluster.system(drainedNode));
      Address b = Cluster.get(cluster.system(drainedNode)).selfMember().address();
      assertTrue(NodeDrain.get(cluster.system(first)).drain(b, TIMEOUT)
          .toCompletableFuture().get(20, TimeUnit.SECONDS), "both nodes confirm the drain");

      int late = cluster.start("c");
      NodeDrain lateDrain = NodeDrain.get(cluster.system(late));
      cluster.awaitUp(3);
      assertEquals(Set.of(), lateDrain.current(TIMEOUT).toCompletableFuture()
          .get(20, TimeUnit.SECONDS), "the late node must not have the drain yet, or this proves nothing");

      lateDrain.undrain(b, TIMEOUT).toCompletableFuture().get(20, TimeUnit.SECONDS);

      for (int node : new int[] {first, drainedNode, late}) {
        assertEquals(Set.of(), NodeDrain.get(cluster.system(node)).current(TIMEOUT)
            .toCompletableFuture().get(20, TimeUnit.SECONDS), "node " + node + " still sees b drained");
      }
    }
  }
}
