package io.baton.upgrade.internal;

import io.baton.supervision.ChildSpec;
import io.baton.services.NodeServices;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import io.baton.upgrade.GatedVersions;
import io.baton.upgrade.JoinCompatibility;
import io.baton.upgrade.SchemaVersions;
import io.baton.upgrade.SupportedVersions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses a node whose jar cannot run with the cluster's active schema versions (decision 0014).
 *
 * <p><b>Before the actor system exists</b>, {@link #advertise} writes into the node's configuration
 * what its jar supports, {@value #SUPPORTED} (per class: current, oldest writable and oldest
 * readable version, from the classes of {@code baton.upgrade.classes} and {@code
 * baton.upgrade.migrations}), and a token naming this node's guard, {@value #TOKEN}. Pekko sends
 * the joiner's {@value #SUPPORTED} with its {@code InitJoin}; on the member it contacts, {@link
 * SchemaJoinChecker} (a {@code JoinConfigCompatChecker}, created by Pekko without arguments) finds
 * that member's guard by the token in its own configuration and asks {@link #judge}: {@link
 * JoinCompatibility#conflicts} against the gate's active versions. A refusal is logged on the
 * member, sent to the joiner's listener ({@value #LISTENER}), which logs and prints it, and
 * returned to Pekko, which answers {@code IncompatibleConfig}: the joiner shuts down
 * (CoordinatedShutdown, reason {@code IncompatibleConfigurationDetectedReason}), and a Baton node
 * exits when its actor system terminates. Should the detailed message not arrive (a joiner
 * started on port 0, whose address the member cannot know), the joiner still prints a short one.
 *
 * <p>Guards are kept in a static map from token to guard, removed when their system terminates:
 * the only way a checker created by Pekko reaches its node's gate.
 */
public final class JoinGuard {

  private static final Logger LOG = LoggerFactory.getLogger(JoinGuard.class);

  /** Where a node advertises the versions its jar supports. */
  public static final String SUPPORTED = "baton.upgrade.supported";

  /** The declared classes whose versions a node advertises. */
  public static final String CLASSES = "baton.upgrade.classes";

  /** The token naming a node's guard in its configuration. */
  public static final String TOKEN = "baton.upgrade.join-guard-token";

  /** The name of the system actor that receives a refusal on the joiner. */
  public static final String LISTENER = "baton-join-refusal";

  /** A refusal, sent by the cluster's member to the refused joiner; crosses nodes. */
  public record Refused(String message) implements io.baton.serialization.ClusterSerializable {}

  private static final Map<String, JoinGuard> GUARDS = new ConcurrentHashMap<>();

  private final ActorSystem<?> system;
  private final CompletableFuture<String> refusal = new CompletableFuture<>();

  private JoinGuard(ActorSystem<?> system) {
    this.system = system;
  }

  /**
   * {@code config} with this node's {@value #SUPPORTED} and a fresh {@value #TOKEN}: what the
   * node must be started with so that a cluster can judge its jar. Fails with the key and the
   * value when a declared class or a migration is invalid.
   */
  public static Config advertise(Config config, ClassLoader loader) {
    Map<String, SupportedVersions> supported = supported(config, loader);
    Map<String, Object> values = new LinkedHashMap<>();
    supported.forEach((name, versions) -> values.put(name, Map.of(
        "current", versions.current(),
        "oldest-writable", versions.oldestWritable(),
        "oldest-readable", versions.oldestReadable())));
    return ConfigFactory.empty()
        .withValue(SUPPORTED, ConfigValueFactory.fromMap(values, "the declared classes' versions"))
        .withValue(TOKEN, ConfigValueFactory.fromAnyRef(UUID.randomUUID().toString()))
        .withFallback(config);
  }

  /** The versions of the declared classes and of the configured migrations, by class name. */
  static Map<String, SupportedVersions> supported(Config config, ClassLoader loader) {
    SchemaRegistry registry = SchemaRegistry.fromConfig(config, loader);
    for (Class<?> type : declaredClasses(config, loader)) {
      registry.schemaOf(type);
    }
    Map<String, SupportedVersions> supported = new TreeMap<>();
    registry.known().keySet().forEach(name -> registry.schemaOf(name)
        .ifPresent(schema -> supported.put(name, SupportedVersions.of(schema))));
    return supported;
  }

  /**
   * The classes named by {@value #CLASSES}, sealed hierarchies expanded; fails with the key and
   * the value when a name is not a class on the classpath.
   */
  public static List<Class<?>> declaredClasses(Config config, ClassLoader loader) {
    List<Class<?>> classes = new java.util.ArrayList<>();
    if (!config.hasPath(CLASSES)) {
      return classes;
    }
    for (String name : config.getStringList(CLASSES)) {
      try {
        expand(Class.forName(name, false, loader), classes);
      } catch (ClassNotFoundException e) {
        throw new IllegalArgumentException(CLASSES + " names " + name + ": no such class on the"
            + " classpath; it must list the event, state and message classes (or their sealed"
            + " roots) of this node's entities", e);
      }
    }
    return classes;
  }

  private static void expand(Class<?> type, List<Class<?>> into) {
    if (type.isSealed()) {
      for (Class<?> sub : type.getPermittedSubclasses()) {
        expand(sub, into);
      }
    }
    if (!type.isInterface()) {
      into.add(type);
    }
  }

  /** What a joiner's configuration advertises; empty when it advertises nothing. */
  public static Map<String, SupportedVersions> read(Config config) {
    Map<String, SupportedVersions> supported = new TreeMap<>();
    if (!config.hasPath(SUPPORTED)) {
      return supported;
    }
    ConfigObject root = config.getObject(SUPPORTED);
    for (Map.Entry<String, ConfigValue> entry : root.entrySet()) {
      Config versions = ((ConfigObject) entry.getValue()).toConfig();
      supported.put(entry.getKey(), new SupportedVersions(versions.getInt("current"),
          versions.getInt("oldest-writable"), versions.getInt("oldest-readable")));
    }
    return supported;
  }

  /**
   * Installs the node's guard: its declared classes become known to the version gate, its token
   * is registered for {@link SchemaJoinChecker}, and its refusal listener starts. Call once, right
   * after the actor system was created with {@link #advertise}'s configuration.
   */
  public static JoinGuard install(ActorSystem<?> system) {
    Config config = system.settings().config();
    SchemaVersions versions = SchemaVersions.get(system);
    versions.declare(declaredClasses(config, system.dynamicAccess().classLoader())
        .toArray(Class<?>[]::new));
    JoinGuard guard = new JoinGuard(system);
    if (config.hasPath(TOKEN)) {
      String token = config.getString(TOKEN);
      GUARDS.put(token, guard);
      system.getWhenTerminated().thenRun(() -> GUARDS.remove(token));
    }
    NodeServices.get(system).start(ChildSpec.worker(LISTENER, () -> Behaviors.receive(Refused.class)
        .onMessage(Refused.class, refused -> {
          guard.refused(refused.message());
          return Behaviors.same();
        }).build()));
    CoordinatedShutdown.get(Adapter.toClassic(system)).addTask(
        CoordinatedShutdown.PhaseBeforeServiceUnbind(), "baton-join-refusal",
        () -> CompletableFuture.supplyAsync(() -> {
          guard.explainIfRefused();
          return Done.getInstance();
        }));
    return guard;
  }

  /** The refusal this node received from the cluster, if it was refused with a reason. */
  public Optional<String> refusal() {
    return Optional.ofNullable(refusal.getNow(null));
  }

  private void refused(String message) {
    if (refusal.complete(message)) {
      LOG.error("{}", message);
      System.err.println("ERROR " + message);
      System.err.flush();
    }
  }

  private void explainIfRefused() {
    boolean incompatible = CoordinatedShutdown.get(Adapter.toClassic(system)).getShutdownReason()
        .map(CoordinatedShutdown.incompatibleConfigurationDetectedReason()::equals).orElse(false);
    if (!incompatible) {
      return;
    }
    try {
      // The member sends its reason just before Pekko's answer: give it a moment to arrive.
      refusal.get(2, TimeUnit.SECONDS);
    } catch (Exception noReason) {
      refused("Node " + system.address() + " was refused by the cluster: its configuration or"
          + " its jar is incompatible (the reason is in the log of the member it contacted,"
          + " under \"Found incompatible settings\"). It shuts down.");
    }
  }

  /**
   * Run by {@link SchemaJoinChecker} on the member a joiner contacted: the refusal message, or
   * empty when the joiner may join (or this node has no guard, or the joiner advertises nothing).
   */
  static Optional<String> judge(Config joiner, Config self) {
    if (!self.hasPath(TOKEN)) {
      return Optional.empty();
    }
    JoinGuard guard = GUARDS.get(self.getString(TOKEN));
    Map<String, SupportedVersions> supported = read(joiner);
    if (guard == null || supported.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Integer> active = SchemaVersions.get(guard.system).activeVersions()
        instanceof GatedVersions gated ? gated.decided() : Map.of();
    List<JoinCompatibility.Conflict> conflicts = JoinCompatibility.conflicts(supported, active);
    if (conflicts.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> address = joinerAddress(joiner, guard.system.name());
    String message = JoinCompatibility.refusal(address.orElse("(port 0)"), conflicts);
    LOG.error("{}", message);
    address.ifPresent(node -> Adapter.toClassic(guard.system)
        .actorSelection(node + NodeServices.path(LISTENER)).tell(new Refused(message), ActorRef.noSender()));
    return Optional.of(message);
  }

  /** The joiner's address, from its canonical host and port; empty on port 0. */
  private static Optional<String> joinerAddress(Config joiner, String systemName) {
    String host = "pekko.remote.artery.canonical.hostname";
    String port = "pekko.remote.artery.canonical.port";
    if (!joiner.hasPath(host) || !joiner.hasPath(port) || joiner.getInt(port) == 0) {
      return Optional.empty();
    }
    return Optional.of("pekko://" + systemName + "@" + joiner.getString(host) + ":"
        + joiner.getInt(port));
  }
}
