package io.baton.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.junit.jupiter.api.Test;

/** The exit status of each reason a node's coordinated shutdown can have. */
class NodeExitTest {

  private static final CoordinatedShutdown.Reason OWN = new CoordinatedShutdown.Reason() {};

  @Test
  void aStopThatWasAskedForIsZeroOneTheClusterForcedIsItsStatusAnyOtherIsOne() {
    assertEquals(0, NodeExit.statusFor(Optional.empty(), 2));
    assertEquals(0, NodeExit.statusFor(Optional.of(CoordinatedShutdown.jvmExitReason()), 2));
    assertEquals(0,
        NodeExit.statusFor(Optional.of(CoordinatedShutdown.actorSystemTerminateReason()), 2));
    assertEquals(0, NodeExit.statusFor(Optional.of(CoordinatedShutdown.clusterLeavingReason()), 2));
    assertEquals(0, NodeExit.statusFor(Optional.of(CoordinatedShutdown.unknownReason()), 2));
    assertEquals(2, NodeExit.statusFor(Optional.of(CoordinatedShutdown.clusterDowningReason()), 2));
    assertEquals(2,
        NodeExit.statusFor(Optional.of(CoordinatedShutdown.clusterJoinUnsuccessfulReason()), 2));
    assertEquals(2, NodeExit.statusFor(
        Optional.of(CoordinatedShutdown.incompatibleConfigurationDetectedReason()), 2));
    assertEquals(1, NodeExit.statusFor(Optional.of(OWN), 2));
    assertEquals(5, NodeExit.statusFor(Optional.of(CoordinatedShutdown.clusterDowningReason()), 5),
        "the configured status of a node the cluster stopped (baton.node.exit.stopped-by-cluster-status)");
  }
}
