package io.baton.runtime;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;

/**
 * Who a Baton node is (cluster, name, address, seeds, data directory), and the Pekko configuration
 * that makes it one: cluster provider, artery TCP on its host and port, the Split Brain Resolver,
 * and failure detection tuned for a LAN as described under {@code baton.node} in this module's
 * {@code reference.conf}.
 *
 * <p>An immutable, validated value. Build it from configuration ({@link #fromConfig}), from
 * command-line arguments over configuration ({@link #fromArguments}), or directly, then start the
 * node with {@code ActorSystem.create(guardian, node.clusterName(), node.toPekkoConfig())}.
 *
 * <p><b>Layers of {@link #toPekkoConfig(Config)}</b>, highest first: JVM system properties; the
 * Pekko keys this class derives from the node's identity and from {@code baton.node}; the base
 * configuration (application.conf, then every module's reference.conf). So a Pekko key that Baton
 * derives cannot be set in application.conf: set the {@code baton.node} key instead.
 *
 * @param clusterName the ActorSystem name, the same on every node of the cluster
 * @param name this node's name, unique in the cluster and stable across its restarts
 * @param host the host or IP address other nodes reach this node at
 * @param port the artery TCP port; 0 lets the operating system pick one
 * @param seedNodes the nodes to join, the first that answers wins; empty means join later
 * @param dataDir where the node keeps what survives its restarts
 */
public record NodeConfig(
    String clusterName, String name, String host, int port, List<Address> seedNodes, Path dataDir) {

  /** Where the Baton node keys live. */
  public static final String PATH = "baton.node";

  /** The Split Brain Resolver strategies Pekko 1.7 knows. */
  private static final Set<String> STRATEGIES =
      Set.of("keep-majority", "keep-oldest", "static-quorum", "down-all", "lease-majority");

  private static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");
  private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9._-]+");

  /** Command-line flags and the {@code baton.node} key each one sets. */
  private static final Map<String, String> FLAGS =
      Map.of(
          "--cluster-name", "cluster-name",
          "--name", "name",
          "--host", "host",
          "--port", "port",
          "--seed", "seed-nodes",
          "--data-dir", "data-dir");

  public NodeConfig {
    Objects.requireNonNull(clusterName, "clusterName");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(dataDir, "dataDir");
    seedNodes = List.copyOf(seedNodes);
    if (!CLUSTER_NAME.matcher(clusterName).matches()) {
      throw new IllegalArgumentException(
          "cluster name '"
              + clusterName
              + "' is not a valid ActorSystem name: use letters, digits, '-' and '_', starting"
              + " with a letter or digit");
    }
    if (!NODE_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "node name '" + name + "' is not allowed: use letters, digits, '.', '-' and '_'");
    }
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank: give the host name or IP address"
          + " other nodes reach this node at");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          "port " + port + " is out of range: use 1-65535, or 0 to let the system pick one");
    }
    for (Address seed : seedNodes) {
      checkSeed(seed, clusterName);
    }
  }

  // ------------------------------------------------------------------ building

  /**
   * The node described by {@code config}'s {@code baton.node} keys; {@code config} falls back to
   * the reference configuration for missing keys.
   *
   * @throws IllegalArgumentException naming the key, if a value is not allowed
   */
  public static NodeConfig fromConfig(Config config) {
    Config node = config.withFallback(ConfigFactory.defaultReference()).getConfig(PATH);
    String host = node.getString("host");
    int port;
    try {
      port = node.getInt("port");
    } catch (com.typesafe.config.ConfigException.WrongType e) {
      throw new IllegalArgumentException(PATH + ".port = " + node.getValue("port").render()
          + " (" + node.getValue("port").origin().description() + ") is not a port number: use"
          + " 1-65535, or 0 to let the system pick one", e);
    }
    String name = node.getString("name");
    if (name.isEmpty()) {
      name = host + "-" + port;
    }
    String dataDir = node.getString("data-dir");
    String clusterName = node.getString("cluster-name");
    List<Address> seeds = new ArrayList<>();
    for (String seed : node.getStringList("seed-nodes")) {
      seeds.add(parseSeed(seed));
    }
    return new NodeConfig(
        clusterName,
        name,
        host,
        port,
        seeds,
        dataDir.isEmpty() ? Path.of("baton-data", name) : Path.of(dataDir));
  }

  /** {@link #fromConfig} of the application's configuration ({@code ConfigFactory.load()}). */
  public static NodeConfig load() {
    return fromConfig(ConfigFactory.load());
  }

  /** {@link #fromArguments(List, Config)} over the application's configuration. */
  public static NodeConfig fromArguments(List<String> args) {
    return fromArguments(args, ConfigFactory.load());
  }

  /**
   * The node described by command-line flags, each overriding one {@code baton.node} key of {@code
   * base}: {@code --cluster-name=}, {@code --name=}, {@code --host=}, {@code --port=}, {@code
   * --data-dir=} and {@code --seed=} (repeatable; or several addresses separated by commas).
   *
   * @throws IllegalArgumentException for an unknown flag, a flag without {@code =value}, or a value
   *     that is not allowed
   */
  public static NodeConfig fromArguments(List<String> args, Config base) {
    Map<String, Object> overrides = new HashMap<>();
    List<String> seeds = new ArrayList<>();
    for (String arg : args) {
      int equals = arg.indexOf('=');
      String flag = equals < 0 ? arg : arg.substring(0, equals);
      String key = FLAGS.get(flag);
      if (key == null || equals < 0) {
        throw new IllegalArgumentException(
            "argument '"
                + arg
                + "' is not understood: use --flag=value with one of "
                + String.join(", ", FLAGS.keySet().stream().sorted().toList()));
      }
      String value = arg.substring(equals + 1);
      if (key.equals("port") && !value.strip().matches("\\d{1,5}")) {
        throw new IllegalArgumentException(flag + "=" + value + " is not a port number: use"
            + " 1-65535, or 0 to let the system pick one");
      }
      if (key.equals("seed-nodes")) {
        for (String seed : value.split(",")) {
          if (!seed.isBlank()) {
            seeds.add(seed.strip());
          }
        }
      } else {
        overrides.put(PATH + "." + key, value);
      }
    }
    if (!seeds.isEmpty()) {
      overrides.put(PATH + ".seed-nodes", seeds);
    }
    return fromConfig(ConfigFactory.parseMap(overrides, "command-line arguments").withFallback(base));
  }

  public NodeConfig withClusterName(String clusterName) {
    return new NodeConfig(clusterName, name, host, port, seedNodes, dataDir);
  }

  public NodeConfig withName(String name) {
    return new NodeConfig(clusterName, name, host, port, seedNodes, dataDir);
  }

  public NodeConfig withHost(String host) {
    return new NodeConfig(clusterName, name, host, port, seedNodes, dataDir);
  }

  public NodeConfig withPort(int port) {
    return new NodeConfig(clusterName, name, host, port, seedNodes, dataDir);
  }

  public NodeConfig withSeedNodes(List<Address> seedNodes) {
    return new NodeConfig(clusterName, name, host, port, seedNodes, dataDir);
  }

  public NodeConfig withDataDir(Path dataDir) {
    return new NodeConfig(clusterName, name, host, port, seedNodes, dataDir);
  }

  /**
   * This node's address, {@code pekko://<cluster-name>@<host>:<port>}.
   *
   * @throws IllegalStateException if the port is 0 (only the started node knows its port)
   */
  public Address address() {
    if (port == 0) {
      throw new IllegalStateException(
          "node '" + name + "' has port 0: its address is known only once it has started");
    }
    return new Address("pekko", clusterName, host, port);
  }

  // ------------------------------------------------------------------ the Pekko configuration

  /** {@link #toPekkoConfig(Config)} over the application's configuration. */
  public Config toPekkoConfig() {
    return toPekkoConfig(ConfigFactory.load());
  }

  /**
   * The complete, resolved configuration of this node's ActorSystem: the Pekko keys derived from
   * this node and from {@code base}'s {@code baton.node} keys, over {@code base}, under JVM system
   * properties.
   *
   * @throws IllegalArgumentException naming the key, if a {@code baton.node} value is not allowed
   */
  /**
   * Derived Pekko keys that must hold as derived, with the key they are derived from (or what
   * Baton needs of them): a user's differing value fails the start instead of being overridden.
   */
  private static final Map<String, String> MUST_HOLD = Map.of(
      "pekko.remote.artery.canonical.hostname", PATH + ".host",
      "pekko.remote.artery.canonical.port", PATH + ".port",
      "pekko.actor.provider", "Baton (a node is a cluster member: cluster)",
      "pekko.actor.serializers.jackson-cbor", "Baton (its schema-versioned reader)");

  /**
   * Whether {@code key} of {@code base} was set by the user (in application.conf, a config the
   * program built, or a -D property), rather than by a library's reference.conf.
   */
  private static boolean setByUser(Config base, String key) {
    if (!base.hasPathOrNull(key)) {
      return false;
    }
    com.typesafe.config.ConfigOrigin origin = base.getValue(key).origin();
    String resource = origin.resource();
    String description = String.valueOf(origin.description());
    return !(resource != null && resource.endsWith("reference.conf"))
        && !description.contains("reference.conf");
  }

  public Config toPekkoConfig(Config base) {
    Config withReference = base.withFallback(ConfigFactory.defaultReference());
    Timing timing = Timing.fromConfig(withReference.getConfig(PATH));

    Map<String, Object> keys = new LinkedHashMap<>();
    // The node's identity, resolved, for the code that runs on it.
    keys.put(PATH + ".cluster-name", clusterName);
    keys.put(PATH + ".name", name);
    keys.put(PATH + ".host", host);
    keys.put(PATH + ".port", port);
    keys.put(PATH + ".seed-nodes", seedNodes.stream().map(Address::toString).toList());
    keys.put(PATH + ".data-dir", dataDir.toAbsolutePath().toString());

    keys.put("pekko.loggers", List.of("org.apache.pekko.event.slf4j.Slf4jLogger"));
    keys.put("pekko.logging-filter", "org.apache.pekko.event.slf4j.Slf4jLoggingFilter");
    keys.put("pekko.actor.provider", "cluster");
    keys.put("pekko.actor.allow-java-serialization", "off");
    // Also in reference.conf; repeated here because a fat jar concatenates reference.conf files
    // and Pekko's own definition of this key, appended after Baton's, would win there.
    keys.put("pekko.actor.serializers.jackson-cbor",
        "io.baton.upgrade.internal.LegacyJacksonCborSerializer");
    keys.putAll(TransportSecurity.fromConfig(withReference).pekkoKeys(this, withReference));
    keys.put("pekko.remote.artery.canonical.hostname", host);
    keys.put("pekko.remote.artery.canonical.port", port);

    keys.put("pekko.cluster.seed-nodes", seedNodes.stream().map(Address::toString).toList());
    keys.put("pekko.cluster.seed-node-timeout", millis(timing.seedNodeTimeout()));
    keys.put(
        "pekko.cluster.retry-unsuccessful-join-after",
        millis(timing.retryUnsuccessfulJoinAfter()));
    keys.put("pekko.cluster.gossip-interval", millis(timing.gossipInterval()));
    keys.put("pekko.cluster.leader-actions-interval", millis(timing.leaderActionsInterval()));
    keys.put("pekko.cluster.unreachable-nodes-reaper-interval", millis(timing.reaperInterval()));
    keys.put(
        "pekko.cluster.failure-detector.heartbeat-interval", millis(timing.heartbeatInterval()));
    keys.put(
        "pekko.cluster.failure-detector.acceptable-heartbeat-pause",
        millis(timing.acceptableHeartbeatPause()));
    keys.put("pekko.cluster.failure-detector.threshold", timing.threshold());

    keys.put(
        "pekko.cluster.downing-provider-class",
        "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider");
    keys.put("pekko.cluster.split-brain-resolver.active-strategy", timing.strategy());
    keys.put("pekko.cluster.split-brain-resolver.stable-after", millis(timing.stableAfter()));
    keys.put(
        "pekko.cluster.split-brain-resolver.down-all-when-unstable",
        timing.downAllWhenUnstable());
    // Pekko reads a zero margin as "unset" and then waits stable-after again: write 1 ms for 0.
    keys.put(
        "pekko.cluster.down-removal-margin",
        timing.removalMargin().isZero() ? "1ms" : millis(timing.removalMargin()));

    putShardingKeys(withReference.getConfig("baton.ring.sharding"), keys);

    // Every key the user set wins over what Baton derives (issue 11: TLS is turned on the
    // normal way, with pekko.remote.artery.transport = tls-tcp in application.conf), except the
    // few that must equal the node's identity: a conflict there fails the start, naming both.
    for (String key : new ArrayList<>(keys.keySet())) {
      if (key.startsWith(PATH + ".") || !setByUser(base, key)) {
        continue;
      }
      String mustEqual = MUST_HOLD.get(key);
      if (mustEqual == null) {
        keys.remove(key);
        continue;
      }
      String user = base.getValue(key).unwrapped().toString();
      if (!user.equals(String.valueOf(keys.get(key)))) {
        throw new IllegalArgumentException(key + " = " + user + " (set in "
            + base.getValue(key).origin().description() + ") conflicts with " + mustEqual
            + " = " + keys.get(key) + ": Baton derives " + key + " from " + mustEqual
            + "; set " + mustEqual + " and remove " + key);
      }
    }
    Config derived = ConfigFactory.parseMap(keys, "io.baton.runtime.NodeConfig of node " + name);
    return ConfigFactory.defaultOverrides()
        .withFallback(derived)
        .withFallback(withReference)
        .resolve();
  }

  // ------------------------------------------------------------------ internals

  /**
   * The timing keys of {@code baton.node}, read and validated once. The key names follow {@code
   * reference.conf}; every error names the full key, the value and what is allowed.
   */
  record Timing(
      Duration heartbeatInterval,
      Duration acceptableHeartbeatPause,
      double threshold,
      Duration reaperInterval,
      Duration gossipInterval,
      Duration leaderActionsInterval,
      Duration seedNodeTimeout,
      Duration retryUnsuccessfulJoinAfter,
      String strategy,
      Duration stableAfter,
      String downAllWhenUnstable,
      Duration removalMargin) {

    static Timing fromConfig(Config node) {
      Duration heartbeat = positive(node, "failure-detector.heartbeat-interval");
      Duration pause = positive(node, "failure-detector.acceptable-heartbeat-pause");
      if (pause.compareTo(heartbeat) <= 0) {
        throw new IllegalArgumentException(
            key("failure-detector.acceptable-heartbeat-pause")
                + " = "
                + pause
                + " must be longer than "
                + key("failure-detector.heartbeat-interval")
                + " = "
                + heartbeat
                + "; about 2 s is the least that survives JVM start-up on 2 cores");
      }
      double threshold = node.getDouble("failure-detector.threshold");
      if (!(threshold > 0)) {
        throw new IllegalArgumentException(
            key("failure-detector.threshold") + " = " + threshold + " must be positive (e.g. 8.0)");
      }
      String strategy = node.getString("downing.strategy");
      if (!STRATEGIES.contains(strategy)) {
        throw new IllegalArgumentException(
            key("downing.strategy")
                + " = '"
                + strategy
                + "' is not a Split Brain Resolver strategy: use one of "
                + String.join(", ", STRATEGIES.stream().sorted().toList()));
      }
      Duration margin = duration(node, "downing.removal-margin");
      if (margin.isNegative()) {
        throw new IllegalArgumentException(
            key("downing.removal-margin") + " = " + margin + " must be zero or positive");
      }
      checkExit(node);
      return new Timing(
          heartbeat,
          pause,
          threshold,
          positive(node, "failure-detector.reaper-interval"),
          positive(node, "membership.gossip-interval"),
          positive(node, "membership.leader-actions-interval"),
          positive(node, "membership.seed-node-timeout"),
          positive(node, "membership.retry-unsuccessful-join-after"),
          strategy,
          positive(node, "downing.stable-after"),
          onOffOrDuration(node, "downing.down-all-when-unstable"),
          margin);
    }

    /**
     * Checks {@code exit.halt-if-not-terminated} (on/off) and {@code
     * exit.stopped-by-cluster-status} (a process exit status), which {@link NodeExit} reads from
     * the node's configuration.
     */
    private static void checkExit(Config node) {
      String halt = "exit.halt-if-not-terminated";
      String status = "exit.stopped-by-cluster-status";
      try {
        node.getBoolean(halt);
      } catch (ConfigException.WrongType e) {
        throw new IllegalArgumentException(
            key(halt) + " = " + node.getValue(halt).render() + " must be on or off", e);
      }
      int exitCode;
      try {
        exitCode = node.getInt(status);
      } catch (ConfigException.WrongType e) {
        throw new IllegalArgumentException(key(status) + " = " + node.getValue(status).render()
            + " is not a number: use 0 to 255", e);
      }
      if (exitCode < 0 || exitCode > 255) {
        throw new IllegalArgumentException(key(status) + " = " + exitCode
            + " is not a process exit status: use 0 to 255 (non-zero, so a supervisor restarts"
            + " the process)");
      }
    }

    private static Duration duration(Config node, String path) {
      try {
        return node.getDuration(path);
      } catch (ConfigException.WrongType | ConfigException.BadValue e) {
        throw new IllegalArgumentException(
            key(path) + " = " + node.getValue(path).render() + " is not a duration (e.g. 2s)", e);
      }
    }

    private static Duration positive(Config node, String path) {
      Duration value = duration(node, path);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(key(path) + " = " + value + " must be positive");
      }
      return value;
    }

    /** "on", "off", or a positive duration written in milliseconds. */
    private static String onOffOrDuration(Config node, String path) {
      var value = node.getValue(path);
      if (value.valueType() == ConfigValueType.BOOLEAN) {
        return node.getBoolean(path) ? "on" : "off";
      }
      String text = node.getString(path).strip();
      if (text.equals("on") || text.equals("off")) {
        return text;
      }
      try {
        return millis(positive(node, path));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            key(path) + " = '" + text + "' is not allowed: use on, off or a positive duration", e);
      }
    }

    private static String key(String path) {
      return PATH + "." + path;
    }
  }

  /**
   * Cluster Sharding tuned for fast takeover, from {@code baton.ring.sharding} (documented in
   * reference.conf).
   */
  private static void putShardingKeys(Config sharding, Map<String, Object> keys) {
    keys.put("pekko.cluster.sharding.remember-entities", "off");
    for (String key : List.of("rebalance-interval", "handoff-timeout", "retry-interval",
        "shard-start-timeout", "coordinator-failure-backoff", "entity-restart-backoff",
        "updating-state-timeout", "waiting-for-state-timeout", "shard-failure-backoff")) {
      Duration value;
      try {
        value = sharding.getDuration(key);
      } catch (ConfigException.WrongType | ConfigException.BadValue e) {
        throw new IllegalArgumentException("baton.ring.sharding." + key + " = "
            + sharding.getValue(key).render() + " is not a duration (e.g. 2s)", e);
      }
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(
            "baton.ring.sharding." + key + " = " + value + " must be positive");
      }
      keys.put("pekko.cluster.sharding." + key, millis(value));
    }
    int shards;
    try {
      shards = sharding.getInt("number-of-shards");
    } catch (ConfigException.WrongType | ConfigException.BadValue e) {
      throw new IllegalArgumentException("baton.ring.sharding.number-of-shards = "
          + sharding.getValue("number-of-shards").render() + " is not a whole number (e.g. 100)",
          e);
    }
    if (shards < 1) {
      throw new IllegalArgumentException(
          "baton.ring.sharding.number-of-shards = " + shards + " must be at least 1");
    }
    keys.put("pekko.cluster.sharding.number-of-shards", shards);
    if (sharding.getBoolean("coordinator-majority")) {
      keys.put("pekko.cluster.sharding.coordinator-state.write-majority-plus", 0);
      keys.put("pekko.cluster.sharding.coordinator-state.read-majority-plus", 0);
      keys.put("pekko.cluster.sharding.distributed-data.majority-min-cap", 1);
    }
  }

  private static String millis(Duration duration) {
    return duration.toMillis() + "ms";
  }

  private static Address parseSeed(String seed) {
    try {
      return AddressFromURIString.parse(seed);
    } catch (Exception e) {
      // Pekko throws a MalformedURLException (checked, undeclared) for a bad host or port.
      throw new IllegalArgumentException(
          "seed node '"
              + seed
              + "' in "
              + PATH
              + ".seed-nodes is not a node address: write pekko://<cluster-name>@<host>:<port>",
          e);
    }
  }

  private static void checkSeed(Address seed, String clusterName) {
    if (!seed.protocol().equals("pekko") || seed.host().isEmpty() || seed.port().isEmpty()) {
      throw new IllegalArgumentException(
          "seed node '" + seed + "' is not a remote node address: write pekko://"
              + clusterName + "@<host>:<port>");
    }
    if (!seed.system().equals(clusterName)) {
      throw new IllegalArgumentException(
          "seed node '"
              + seed
              + "' belongs to cluster '"
              + seed.system()
              + "', not to this node's cluster '"
              + clusterName
              + "': every node of a cluster must use the same cluster-name");
    }
  }
}
