package io.baton.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.journal.InProcessCluster;
import io.baton.upgrade.internal.VersionGateActor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's hold, cluster-wide through Distributed Data: while held, a release 2 node keeps
 * writing version 1 even when every member supports version 2; once released (from any node),
 * it writes version 2.
 */
@Timeout(120)
class UpgradeHoldClusterTest {

  private static final String DEPOSITED = Ledger.V2.Deposited.class.getName();
  private static final Duration WAIT = Duration.ofSeconds(30);

  /**
   * Two release 2 nodes started with {@code baton.upgrade.hold = on} (the initial value): the
   * deposit stays at version 1 although both support 2, the status says an advance is pending;
   * a release on the other node lets it advance.
   */
  @Test
  void aHeldGateKeepsVersionOneUntilReleasedFromAnyNode(@TempDir Path dir) throws Exception {
    try (InProcessCluster cluster = new InProcessCluster(dir, Ledger.RELEASE_2
        + "\nbaton.upgrade.hold = on\nbaton.upgrade.gate.interval = 200ms\n")) {
      int a = cluster.start("a");
      int b = cluster.start("b");
      cluster.awaitUp(2);
      for (int node : new int[] {a, b}) {
        SchemaVersions.get(cluster.system(node)).declare(Ledger.V2.Deposited.class);
        VersionGateActor.start(cluster.system(node));
      }
      TestProbe<Object> probe = cluster.kit(a).createTestProbe();
      probe.awaitAssert(WAIT, () -> {
        GateStatus.ClassGate gate = classGate(cluster.system(a));
        assertEquals(2, gate.members().size(), "both members reported");
        assertEquals(2, gate.newest());
        return null;
      });
      // Every member supports version 2 and reported it: held, nothing was decided.
      UpgradeGate gateA = UpgradeGate.get(cluster.system(a));
      assertTrue(gateA.status().held());
      GateStatus.ClassGate held = classGate(cluster.system(a));
      assertNull(held.active());
      assertTrue(held.pending());
      assertTrue(held.behind().isEmpty());
      assertEquals(new SupportedVersions(2, 1, 1), held.members().values().iterator().next());
      assertEquals(Ledger.V1.Deposited.class.getName() + "#1",
          manifest(cluster.system(a), new Ledger.V2.Deposited(5)));

      assertTrue(UpgradeGate.get(cluster.system(b)).release(Duration.ofSeconds(5))
          .toCompletableFuture().get(10, TimeUnit.SECONDS));
      probe.awaitAssert(WAIT, () -> {
        assertEquals(DEPOSITED + "#2", manifest(cluster.system(a), new Ledger.V2.Deposited(5)));
        return null;
      });
      GateStatus.ClassGate released = classGate(cluster.system(a));
      assertFalse(gateA.status().held());
      assertEquals(Integer.valueOf(2), released.active());
      assertFalse(released.pending());
    }
  }

  /**
   * A rolling upgrade held at run time: release 1 and release 2 nodes, active version 1; the
   * operator holds the gate on the release 1 node, which then leaves; the release 2 node is alone
   * and supports version 2, yet keeps writing version 1 until the operator releases.
   */
  @Test
  void aHoldSetAtRunTimeOutlivesTheLastOldNode() throws Exception {
    String cluster = """
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical.hostname = "127.0.0.1"
        pekko.remote.artery.canonical.port = 0
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
        baton.upgrade.gate.interval = 200ms
        """;
    Release release1 = Release.start("hold", cluster + Ledger.RELEASE_1);
    Release release2 = Release.start("hold", cluster + Ledger.RELEASE_2);
    try {
      Cluster cluster1 = Cluster.get(release1.kit.system());
      cluster1.manager().tell(Join.create(cluster1.selfMember().address()));
      Cluster cluster2 = Cluster.get(release2.kit.system());
      cluster2.manager().tell(Join.create(cluster1.selfMember().address()));
      for (Release node : new Release[] {release1, release2}) {
        node.versions().declare(Ledger.V1.Deposited.class);
        VersionGateActor.start(node.kit.system());
      }
      TestProbe<Object> probe = release2.kit.createTestProbe();
      probe.awaitAssert(WAIT, () -> {
        assertEquals(MemberStatus.up(), cluster2.selfMember().status());
        assertEquals(Integer.valueOf(1), classGate(release2.kit.system()).active());
        assertEquals(2, classGate(release2.kit.system()).members().size());
        return null;
      });
      GateStatus.ClassGate mixed = classGate(release2.kit.system());
      assertTrue(mixed.pending());
      assertEquals(java.util.List.of(cluster1.selfMember().address().toString()), mixed.behind());

      assertTrue(UpgradeGate.get(release1.kit.system()).hold(Duration.ofSeconds(5))
          .toCompletableFuture().get(10, TimeUnit.SECONDS));
      probe.awaitAssert(WAIT, () -> {
        assertTrue(UpgradeGate.get(release2.kit.system()).held());
        return null;
      });
      release1.close(); // leaves: every member now supports version 2
      release1 = null;
      probe.awaitAssert(WAIT, () -> {
        GateStatus.ClassGate alone = classGate(release2.kit.system());
        assertEquals(1, alone.members().size());
        assertTrue(alone.behind().isEmpty());
        return null;
      });
      GateStatus.ClassGate held = classGate(release2.kit.system());
      assertEquals(Integer.valueOf(1), held.active());
      assertTrue(held.pending());
      assertEquals(Ledger.V1.Deposited.class.getName() + "#1",
          release2.write(new Ledger.V2.Deposited(5)).manifest());

      UpgradeGate.get(release2.kit.system()).release(Duration.ofSeconds(5))
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      probe.awaitAssert(WAIT, () -> {
        assertEquals(DEPOSITED + "#2", release2.write(new Ledger.V2.Deposited(5)).manifest());
        return null;
      });
      assertEquals(Integer.valueOf(2), classGate(release2.kit.system()).active());
    } finally {
      if (release1 != null) {
        release1.close();
      }
      release2.close();
    }
  }

  /** The gate's entry for the deposit (either name: release 2 reports both). */
  private static GateStatus.ClassGate classGate(ActorSystem<?> system) {
    return UpgradeGate.get(system).status().classes().stream()
        .filter(c -> c.className().equals(Ledger.V1.Deposited.class.getName()))
        .findFirst().orElseThrow(() -> new AssertionError("the gate does not know the deposit"));
  }

  private static String manifest(ActorSystem<?> system, Object value) {
    var serializer = SerializationExtension.get(system).findSerializerFor(value);
    String manifest = Serializers.manifestFor(serializer, value);
    serializer.toBinary(value);
    return manifest;
  }
}
