package io.baton.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.junit.jupiter.api.Test;

/** The exit status of each reason a node's coordinated shutdown can have. */
class NodeExitTest {

  private static final CoordinatedShutdown.Reason OWN = new CoordinatedShutdown.Reason() {};

  @Test
  void aStopThatWasAskedForIsZeroOneTheClusterForcedIsTwoAnyOtherIsOne() {
    assertEquals(0, NodeExit.statusFor(Optional.empty()));
    assertEquals(0, NodeExit.statusFor(Optional.of(CoordinatedShutdown.jvmExitReason())));
    assertEquals(0,
        NodeExit.statusFor(Optional.of(CoordinatedShutdown.actorSystemTerminateReason())));
    assertEquals(0, NodeExit.statusFor(Optional.of(CoordinatedShutdown.clusterLeavingReason())));
    assertEquals(0, NodeExit.statusFor(Optional.of(CoordinatedShutdown.unknownReason())));
    assertEquals(2, NodeExit.statusFor(Optional.of(CoordinatedShutdown.clusterDowningReason())));
    assertEquals(2,
        NodeExit.statusFor(Optional.of(CoordinatedShutdown.clusterJoinUnsuccessfulReason())));
    assertEquals(2, NodeExit.statusFor(
        Optional.of(CoordinatedShutdown.incompatibleConfigurationDetectedReason())));
    assertEquals(1, NodeExit.statusFor(Optional.of(OWN)));
  }
}
