package io.baton.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.baton.upgrade.internal.JoinGuard;
import io.baton.upgrade.internal.VersionGateActor;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two actor systems in one JVM, a real Pekko cluster joined through seed nodes (so Pekko's join
 * compatibility check runs as between processes): a node whose jar is too old or too new for the
 * cluster's active schema versions is refused with a message naming the class and the versions,
 * and shuts down; the cluster is unaffected; a compatible jar joins.
 */
@Timeout(120)
class JoinRefusalClusterTest {

  private static final String CLUSTER = """
      pekko.actor.provider = cluster
      pekko.remote.artery.canonical.hostname = "127.0.0.1"
      pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
      pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
      pekko.loglevel = WARNING
      baton.upgrade.gate.interval = 200ms
      """;

  private static final String DEPOSITED = Ledger.V1.Deposited.class.getName();

  /** Release 3: version 3 of the deposit, which can write version 2 at the oldest. */
  public static final class Release3Migration extends SchemaMigration {
    @Override
    public int currentVersion() {
      return 3;
    }

    @Override
    public int oldestWritableVersion() {
      return 2;
    }

    @Override
    public JsonNode upgrade(int fromVersion, JsonNode json) {
      return json;
    }
  }

  private static final String RELEASE_3 = """
      baton.upgrade.migrations {
        "io.baton.upgrade.Ledger$V1$Deposited" = "io.baton.upgrade.JoinRefusalClusterTest$Release3Migration"
      }
      """;

  private final List<ActorTestKit> kits = new java.util.ArrayList<>();

  @AfterEach
  void stop() {
    kits.forEach(ActorTestKit::shutdownTestKit);
  }

  /** A release 1 jar cannot read the version 2 a release 2 cluster writes: refused, with why. */
  @Test
  void aJarTooOldForTheActiveVersionIsRefusedWithTheReason() throws Exception {
    ActorTestKit seed = seed(Ledger.RELEASE_2, 2);
    ActorTestKit joiner = node(Ledger.RELEASE_1 + declares(), freePort());
    JoinGuard guard = JoinGuard.install(joiner.system());
    join(joiner, seed);

    joiner.system().getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    String refusal = guard.refusal().orElseThrow();
    assertTrue(refusal.contains(DEPOSITED + ": the cluster writes version 2, this jar reads at"
        + " most version 1 (jar too old)"), refusal);
    assertTrue(refusal.contains("What to do"), refusal);
    assertClusterUnaffected(seed);
  }

  /** A release 3 jar that cannot write below version 2 cannot join a cluster on version 1. */
  @Test
  void aJarTooNewForTheActiveVersionIsRefusedWithTheReason() throws Exception {
    ActorTestKit seed = seed(Ledger.RELEASE_1 + declares(), 1);
    ActorTestKit joiner = node(RELEASE_3, freePort());
    JoinGuard guard = JoinGuard.install(joiner.system());
    join(joiner, seed);

    joiner.system().getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    String refusal = guard.refusal().orElseThrow();
    assertTrue(refusal.contains(DEPOSITED + ": the cluster reads only up to version 1, this jar"
        + " writes version 2 at the oldest (jar too new)"), refusal);
    assertClusterUnaffected(seed);
  }

  /** A release 2 jar reads and writes the version 1 a release 1 cluster runs: it joins. */
  @Test
  void aCompatibleJarJoins() throws Exception {
    ActorTestKit seed = seed(Ledger.RELEASE_1 + declares(), 1);
    ActorTestKit joiner = node(Ledger.RELEASE_2, freePort());
    JoinGuard guard = JoinGuard.install(joiner.system());
    VersionGateActor.start(joiner.system());
    join(joiner, seed);

    TestProbe<Object> probe = joiner.createTestProbe();
    probe.awaitAssert(Duration.ofSeconds(40), () -> {
      assertEquals(MemberStatus.up(), Cluster.get(joiner.system()).selfMember().status());
      assertEquals(2, Cluster.get(seed.system()).state().members().size());
      return null;
    });
    assertTrue(guard.refusal().isEmpty());
  }

  private static String declares() {
    return "baton.upgrade.classes = [\"" + DEPOSITED + "\"]\n";
  }

  /** A one-node cluster on {@code release} whose gate decided {@code active} for the deposit. */
  private ActorTestKit seed(String release, int active) {
    ActorTestKit seed = node(release, 0);
    JoinGuard.install(seed.system());
    VersionGateActor.start(seed.system());
    Cluster cluster = Cluster.get(seed.system());
    cluster.manager().tell(new JoinSeedNodes(List.of(cluster.selfMember().address())));
    seed.createTestProbe().awaitAssert(Duration.ofSeconds(30), () -> {
      assertEquals(MemberStatus.up(), cluster.selfMember().status());
      assertEquals(Integer.valueOf(active), ((GatedVersions) SchemaVersions.get(seed.system())
          .activeVersions()).decided().get(DEPOSITED));
      return null;
    });
    return seed;
  }

  private ActorTestKit node(String release, int port) {
    Config config = ConfigFactory.load(ConfigFactory.parseString(CLUSTER + release
        + "\npekko.remote.artery.canonical.port = " + port + "\n"));
    ActorTestKit kit = ActorTestKit.create("refusal",
        JoinGuard.advertise(config, getClass().getClassLoader()));
    kits.add(kit);
    return kit;
  }

  private static void join(ActorTestKit joiner, ActorTestKit seed) {
    Cluster.get(joiner.system()).manager().tell(new JoinSeedNodes(
        List.of(Cluster.get(seed.system()).selfMember().address())));
  }

  private static void assertClusterUnaffected(ActorTestKit seed) {
    Cluster cluster = Cluster.get(seed.system());
    assertEquals(MemberStatus.up(), cluster.selfMember().status());
    assertEquals(1, cluster.state().members().size(), "the refused node never became a member");
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
