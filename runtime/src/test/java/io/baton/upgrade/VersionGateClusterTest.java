package io.baton.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.baton.upgrade.internal.VersionGateActor;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two nodes in one JVM, a real Pekko cluster: a release 2 node writes release 1's version (stored
 * data and messages over remoting) while a release 1 node is a member, and release 1 reads it;
 * when the release 1 node leaves, release 2's version becomes active.
 */
@Timeout(90)
class VersionGateClusterTest {

  private static final String CLUSTER = """
      pekko.actor.provider = cluster
      pekko.remote.artery.canonical.hostname = "127.0.0.1"
      pekko.remote.artery.canonical.port = 0
      pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
      pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
      baton.upgrade.gate.interval = 200ms
      """;

  /**
   * The order of a rolling upgrade: the cluster runs release 1, a release 2 node joins, the
   * release 1 node goes.
   */
  @Test
  void release2WritesRelease1sVersionUntilTheLastRelease1NodeLeaves() throws Exception {
    Release release1 = Release.start("gate", CLUSTER + Ledger.RELEASE_1);
    Release release2 = null;
    try {
      Cluster cluster1 = Cluster.get(release1.kit.system());
      cluster1.manager().tell(Join.create(cluster1.selfMember().address()));
      VersionGateActor.start(release1.kit.system());
      TestProbe<Object> probe = release1.kit.createTestProbe();
      probe.awaitAssert(Duration.ofSeconds(30), () -> {
        assertEquals(MemberStatus.up(), cluster1.selfMember().status());
        return null;
      });

      release2 = Release.start("gate", CLUSTER + Ledger.RELEASE_2);
      Release node2 = release2;
      Cluster cluster2 = Cluster.get(node2.kit.system());
      VersionGateActor.start(node2.kit.system());
      cluster2.manager().tell(Join.create(cluster1.selfMember().address()));
      probe.awaitAssert(Duration.ofSeconds(30), () -> {
        assertEquals(MemberStatus.up(), cluster2.selfMember().status());
        return null;
      });
      // Once both reports are in, the gate decides version 1: release 1 does not know version 2.
      probe.awaitAssert(Duration.ofSeconds(30), () -> {
        assertEquals(Integer.valueOf(1), gateDecision(node2));
        return null;
      });
      Release.Stored down = node2.write(new Ledger.V2.Deposited(250));
      assertEquals(Ledger.V1.Deposited.class.getName() + "#1", down.manifest());
      assertEquals(new Ledger.V1.Deposited(250), release1.read(down));

      // A message from release 2 to an actor on the release 1 node arrives in release 1's format.
      TestProbe<Object> inbox = release1.kit.createTestProbe();
      ActorRef<Object> remote = ActorRefResolver.get(node2.kit.system()).resolveActorRef(
          ActorRefResolver.get(release1.kit.system()).toSerializationFormat(inbox.ref()));
      remote.tell(new Ledger.V2.Deposited(75));
      assertEquals(new Ledger.V1.Deposited(75), inbox.receiveMessage(Duration.ofSeconds(10)));

      release1.close(); // leaves the cluster
      release1 = null;
      probe = node2.kit.createTestProbe();
      probe.awaitAssert(Duration.ofSeconds(40), () -> {
        assertEquals(2, node2.versions().activeVersionOf(Ledger.V2.Deposited.class));
        return null;
      });
      assertEquals(Ledger.V2.Deposited.class.getName() + "#2",
          node2.write(new Ledger.V2.Deposited(1)).manifest());
    } finally {
      if (release1 != null) {
        release1.close();
      }
      if (release2 != null) {
        release2.close();
      }
    }
  }

  /** The gate's decision for release 2's deposit class, null while undecided. */
  private static Integer gateDecision(Release node) {
    return node.versions().activeVersions() instanceof GatedVersions gated
        ? gated.decided().get(Ledger.V2.Deposited.class.getName()) : null;
  }
}
