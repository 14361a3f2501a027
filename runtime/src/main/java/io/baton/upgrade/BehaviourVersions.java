package io.baton.upgrade;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * The behaviour version of every entity type registered on this node, as {@code
 * BatonNode.register} declared it; the operator status reads it. Thread-safe (a concurrent map):
 * types are declared from any thread, read by the status at any time.
 */
public final class BehaviourVersions implements Extension {

  /** The extension id. */
  public static final class Id extends AbstractExtensionId<BehaviourVersions> {
    @Override
    public BehaviourVersions createExtension(ExtendedActorSystem system) {
      return new BehaviourVersions();
    }
  }

  private static final Id ID = new Id();

  public static BehaviourVersions get(ActorSystem system) {
    return ID.get(system);
  }

  public static BehaviourVersions get(org.apache.pekko.actor.typed.ActorSystem<?> system) {
    return ID.get(Adapter.toClassic(system));
  }

  private final Map<String, BehaviourVersion> versions = new ConcurrentHashMap<>();

  private BehaviourVersions() {}

  /**
   * Declares the behaviour version of an entity type on this node. Declaring the same version
   * again is harmless; a different one fails, since one node runs one behaviour per type.
   */
  public void declare(String entityType, BehaviourVersion version) {
    BehaviourVersion previous = versions.putIfAbsent(entityType, version);
    if (previous != null && !previous.equals(version)) {
      throw new IllegalStateException("Entity type " + entityType + " is already registered at "
          + "behaviour version " + previous.display() + " on this node, not " + version.display()
          + ": a node runs one behaviour per type.");
    }
  }

  /** Declares version 1 for a type registered without a version, unless it has one. */
  public void declareDefault(String entityType) {
    versions.putIfAbsent(entityType, BehaviourVersion.FIRST);
  }

  /** The version of a type, or null when it is not registered here. */
  public BehaviourVersion of(String entityType) {
    return versions.get(entityType);
  }

  /** Entity type to displayed version, sorted by type: what the status shows. */
  public Map<String, String> forStatus() {
    Map<String, String> shown = new TreeMap<>();
    versions.forEach((type, version) -> shown.put(type, version.display()));
    return shown;
  }
}
