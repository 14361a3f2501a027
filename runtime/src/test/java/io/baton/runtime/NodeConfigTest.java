package io.baton.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.baton.serialization.ClusterSerializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.Address;
import org.junit.jupiter.api.Test;

/** A node's identity and the Pekko configuration derived from it and from {@code baton.node}. */
class NodeConfigTest {

  private static final Config REFERENCE = ConfigFactory.load();

  private static NodeConfig node(String... args) {
    return NodeConfig.fromArguments(List.of(args), REFERENCE);
  }

  @Test
  void argumentsNameTheNodeItsAddressSeedsAndDataDirectory() {
    NodeConfig node =
        node(
            "--name=n1",
            "--port=2552",
            "--seed=pekko://baton@127.0.0.1:2551,pekko://baton@127.0.0.1:2553",
            "--seed=pekko://baton@127.0.0.1:2554",
            "--data-dir=/tmp/n1");
    assertEquals("baton", node.clusterName());
    assertEquals("n1", node.name());
    assertEquals(new Address("pekko", "baton", "127.0.0.1", 2552), node.address());
    assertEquals(3, node.seedNodes().size());
    assertEquals(Path.of("/tmp/n1"), node.dataDir());
  }

  @Test
  void withoutANameOrDataDirectoryTheyDeriveFromHostAndPort() {
    NodeConfig node = node("--port=2600");
    assertEquals("127.0.0.1-2600", node.name());
    assertEquals(Path.of("baton-data", "127.0.0.1-2600"), node.dataDir());
  }

  /** The property: the derived configuration downs, and the second wait is set, not defaulted. */
  @Test
  void thePekkoConfigurationDownsWithTheSplitBrainResolverAndSetsTheRemovalMargin() {
    Config config = node("--name=n1", "--port=2552", "--seed=pekko://baton@127.0.0.1:2551")
        .toPekkoConfig(REFERENCE);
    assertEquals("cluster", config.getString("pekko.actor.provider"));
    assertEquals("127.0.0.1", config.getString("pekko.remote.artery.canonical.hostname"));
    assertEquals(2552, config.getInt("pekko.remote.artery.canonical.port"));
    assertEquals(
        List.of("pekko://baton@127.0.0.1:2551"), config.getStringList("pekko.cluster.seed-nodes"));
    assertEquals(
        "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider",
        config.getString("pekko.cluster.downing-provider-class"));
    assertEquals(
        "keep-majority", config.getString("pekko.cluster.split-brain-resolver.active-strategy"));
    assertEquals(
        Duration.ofSeconds(2),
        config.getDuration("pekko.cluster.split-brain-resolver.stable-after"));
    assertEquals(
        Duration.ofSeconds(1), config.getDuration("pekko.cluster.down-removal-margin"));
    Duration pause =
        config.getDuration("pekko.cluster.failure-detector.acceptable-heartbeat-pause");
    assertTrue(
        pause.compareTo(Duration.ofMillis(1500)) >= 0,
        "heartbeat pause " + pause + " invites false unreachability on 2 cores");
    assertEquals(Duration.ofSeconds(1), config.getDuration("pekko.cluster.seed-node-timeout"));
    assertEquals("off", config.getString("pekko.actor.allow-java-serialization"));
    assertEquals(
        "baton-cbor",
        config.getString("pekko.actor.serialization-bindings.\"io.baton.serialization.ClusterSerializable\""));
    assertEquals(
        "io.baton.upgrade.internal.LegacyJacksonCborSerializer",
        config.getString("pekko.actor.serializers.jackson-cbor"));
    assertEquals("n1", config.getString("baton.node.name"));
  }

  @Test
  void aZeroRemovalMarginIsWrittenAsOneMillisecondBecausePekkoReadsZeroAsUnset() {
    Config base =
        ConfigFactory.parseString("baton.node.downing.removal-margin = 0s").withFallback(REFERENCE);
    Config config = node("--port=2552").toPekkoConfig(base);
    assertEquals(Duration.ofMillis(1), config.getDuration("pekko.cluster.down-removal-margin"));
  }

  /** The halt of a stopping node that does not terminate takes on/off and a process status. */
  @Test
  void theHaltOfAStuckNodeTakesOnOffAndAProcessExitStatus() {
    Config off = ConfigFactory.parseString("baton.node.exit.halt-if-not-terminated = off")
        .withFallback(REFERENCE);
    assertFalse(node("--port=2552").toPekkoConfig(off)
        .getBoolean("baton.node.exit.halt-if-not-terminated"));
    Config maybe = ConfigFactory.parseString("baton.node.exit.halt-if-not-terminated = maybe")
        .withFallback(REFERENCE);
    var onOff = assertThrows(
        IllegalArgumentException.class, () -> node("--port=2552").toPekkoConfig(maybe));
    assertTrue(onOff.getMessage().contains("halt-if-not-terminated")
        && onOff.getMessage().contains("maybe"), onOff.getMessage());
    Config wide = ConfigFactory.parseString("baton.node.exit.stopped-by-cluster-status = 300")
        .withFallback(REFERENCE);
    var code = assertThrows(
        IllegalArgumentException.class, () -> node("--port=2552").toPekkoConfig(wide));
    assertTrue(code.getMessage().contains("baton.node.exit.stopped-by-cluster-status")
        && code.getMessage().contains("300") && code.getMessage().contains("0 to 255"),
        code.getMessage());
  }

  @Test
  void derivedPekkoKeysFollowTheBatonKeysAndDownAllWhenUnstableTakesOnOffOrADuration() {
    Config base =
        ConfigFactory.parseString(
                "baton.node.downing { strategy = keep-oldest, stable-after = 5s,"
                    + " down-all-when-unstable = 7s }")
            .withFallback(REFERENCE);
    Config config = node("--port=2552").toPekkoConfig(base);
    assertEquals(
        "keep-oldest", config.getString("pekko.cluster.split-brain-resolver.active-strategy"));
    assertEquals(
        Duration.ofSeconds(5),
        config.getDuration("pekko.cluster.split-brain-resolver.stable-after"));
    assertEquals(
        Duration.ofSeconds(7),
        config.getDuration("pekko.cluster.split-brain-resolver.down-all-when-unstable"));
    Config off =
        ConfigFactory.parseString("baton.node.downing.down-all-when-unstable = off")
            .withFallback(REFERENCE);
    assertEquals(
        "off",
        node("--port=2552")
            .toPekkoConfig(off)
            .getString("pekko.cluster.split-brain-resolver.down-all-when-unstable"));
  }

  @Test
  void invalidValuesAreRejectedNamingTheKeyTheValueAndWhatIsAllowed() {
    var unknownFlag = assertThrows(IllegalArgumentException.class, () -> node("--prot=2552"));
    assertTrue(unknownFlag.getMessage().contains("--prot=2552"), unknownFlag.getMessage());
    assertTrue(unknownFlag.getMessage().contains("--port"), unknownFlag.getMessage());

    var otherCluster =
        assertThrows(
            IllegalArgumentException.class,
            () -> node("--port=2552", "--seed=pekko://other@127.0.0.1:2551"));
    assertTrue(otherCluster.getMessage().contains("'other'"), otherCluster.getMessage());

    var badPort = assertThrows(IllegalArgumentException.class, () -> node("--port=70000"));
    assertTrue(badPort.getMessage().contains("70000"), badPort.getMessage());

    var notANumber = assertThrows(IllegalArgumentException.class, () -> node("--port=abc"));
    assertTrue(notANumber.getMessage().contains("--port=abc")
        && notANumber.getMessage().contains("not a port number"), notANumber.getMessage());

    // Pekko throws an undeclared MalformedURLException for this: it must become the same error.
    var badSeed = assertThrows(IllegalArgumentException.class,
        () -> node("--port=2552", "--seed=pekko://baton@127.0.0.1:notaport"));
    assertTrue(badSeed.getMessage().contains("notaport")
        && badSeed.getMessage().contains("pekko://<cluster-name>@<host>:<port>"),
        badSeed.getMessage());

    Config badStrategy =
        ConfigFactory.parseString("baton.node.downing.strategy = keep-luck").withFallback(REFERENCE);
    var strategy =
        assertThrows(
            IllegalArgumentException.class, () -> node("--port=2552").toPekkoConfig(badStrategy));
    assertTrue(
        strategy.getMessage().contains("baton.node.downing.strategy")
            && strategy.getMessage().contains("keep-luck")
            && strategy.getMessage().contains("keep-majority"),
        strategy.getMessage());

    Config shortPause =
        ConfigFactory.parseString("baton.node.failure-detector.acceptable-heartbeat-pause = 400ms")
            .withFallback(REFERENCE);
    var pause =
        assertThrows(
            IllegalArgumentException.class, () -> node("--port=2552").toPekkoConfig(shortPause));
    assertTrue(
        pause.getMessage().contains("baton.node.failure-detector.acceptable-heartbeat-pause"),
        pause.getMessage());
  }

  /**
   * A Pekko key the user sets wins over Baton's derived default (TLS is turned on the normal
   * way), the derived value stays a fallback above reference.conf, and a -D property is on top.
   */
  @Test
  void aPekkoKeyTheUserSetsWinsOverTheDerivedDefaultAndSystemPropertiesStayOnTop() {
    NodeConfig node = NodeConfig.fromArguments(List.of("--port=25530"), REFERENCE);
    Config user = ConfigFactory.parseString("""
        pekko.remote.artery.transport = tls-tcp
        pekko.cluster.sharding.rebalance-interval = 7s
        """, com.typesafe.config.ConfigParseOptions.defaults()
        .setOriginDescription("application.conf"));
    Config pekko = node.toPekkoConfig(user.withFallback(REFERENCE));
    assertEquals("tls-tcp", pekko.getString("pekko.remote.artery.transport"));
    assertEquals(Duration.ofSeconds(7),
        pekko.getDuration("pekko.cluster.sharding.rebalance-interval"));
    assertEquals(Duration.ofSeconds(2),
        pekko.getDuration("pekko.cluster.sharding.handoff-timeout"), "derived where not set");
    System.setProperty("pekko.remote.artery.transport", "tcp");
    try {
      ConfigFactory.invalidateCaches();
      assertEquals("tcp", node.toPekkoConfig(user.withFallback(REFERENCE))
          .getString("pekko.remote.artery.transport"));
    } finally {
      System.clearProperty("pekko.remote.artery.transport");
      ConfigFactory.invalidateCaches();
    }
  }

  /** A Pekko key that must equal a baton.node key fails the start, naming both, if it differs. */
  @Test
  void aCanonicalPortThatConflictsWithTheNodePortFailsNamingBothKeys() {
    NodeConfig node = NodeConfig.fromArguments(List.of("--port=25530"), REFERENCE);
    Config user = ConfigFactory.parseString("pekko.remote.artery.canonical.port = 25999");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> node.toPekkoConfig(user.withFallback(REFERENCE)));
    assertTrue(e.getMessage().contains("pekko.remote.artery.canonical.port"), e.getMessage());
    assertTrue(e.getMessage().contains("baton.node.port"), e.getMessage());
    Config same = ConfigFactory.parseString("pekko.remote.artery.canonical.port = 25530");
    assertEquals(25530, node.toPekkoConfig(same.withFallback(REFERENCE))
        .getInt("pekko.remote.artery.canonical.port"));
  }

  /**
   * Property: sharding for small clusters: 100 shards per type and the coordinator's state by
   * plain majority, unless the user's configuration says otherwise.
   */
  @Test
  void shardingGetsAHundredShardsAndMajorityCoordinatorStateByDefault() {
    Config config = node("--port=2552").toPekkoConfig(REFERENCE);
    assertEquals(100, config.getInt("pekko.cluster.sharding.number-of-shards"));
    assertEquals(0, config.getInt("pekko.cluster.sharding.coordinator-state.write-majority-plus"));
    assertEquals(0, config.getInt("pekko.cluster.sharding.coordinator-state.read-majority-plus"));
    assertEquals(1, config.getInt("pekko.cluster.sharding.distributed-data.majority-min-cap"));
    assertEquals(5000, config.getDuration("pekko.cluster.sharding.updating-state-timeout")
        .toMillis());
    Config user = ConfigFactory.parseString("baton.ring.sharding.number-of-shards = 30")
        .withFallback(REFERENCE);
    assertEquals(30, node("--port=2552").toPekkoConfig(user)
        .getInt("pekko.cluster.sharding.number-of-shards"));
    IllegalArgumentException bad = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> node("--port=2552").toPekkoConfig(
            ConfigFactory.parseString("baton.ring.sharding.number-of-shards = 0")
                .withFallback(REFERENCE)));
    assertTrue(bad.getMessage().contains("baton.ring.sharding.number-of-shards"),
        bad.getMessage());
  }

  /** Property: a joiner that would hash entities to other shards is refused, naming both values. */
  @Test
  void aJoinerWithAnotherShardCountIsRefused() {
    var checker = new io.baton.ring.ShardCountJoinChecker();
    Config ours = ConfigFactory.parseString("pekko.cluster.sharding.number-of-shards = 100");
    Config same = ConfigFactory.parseString("pekko.cluster.sharding.number-of-shards = 100");
    Config other = ConfigFactory.parseString("pekko.cluster.sharding.number-of-shards = 1000");
    assertTrue(checker.check(same, ours) instanceof org.apache.pekko.cluster.Valid$);
    var refused = checker.check(other, ours);
    assertTrue(refused instanceof org.apache.pekko.cluster.Invalid, "" + refused);
    String message = ((org.apache.pekko.cluster.Invalid) refused).errorMessages().head();
    assertTrue(message.contains("1000") && message.contains("100"), message);
    Config garbage = ConfigFactory.parseString("pekko.cluster.sharding.number-of-shards = many");
    assertTrue(checker.check(garbage, ours) instanceof org.apache.pekko.cluster.Invalid);
  }
}
