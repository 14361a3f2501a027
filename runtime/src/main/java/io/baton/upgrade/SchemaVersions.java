package io.baton.upgrade;

import io.baton.upgrade.internal.SchemaRegistry;
import java.util.Objects;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * This node's schema versions: the schema of every class it serializes (its migrations, from
 * {@link MigratedBy} and {@code baton.upgrade.migrations}) and the {@link ActiveVersions} it writes
 * at. Baton's serializer reads both on every write and read.
 *
 * <p>The configured migrations are validated when the extension starts (a Baton node starts it
 * with the actor system). The active versions are a volatile reference: {@link
 * #useActiveVersions} may replace them from any thread (the version gate does, as the cluster's
 * members change); until then every class is written at its current version.
 */
public final class SchemaVersions implements Extension {

  /** The extension id. */
  public static final class Id extends AbstractExtensionId<SchemaVersions> {
    @Override
    public SchemaVersions createExtension(ExtendedActorSystem system) {
      return new SchemaVersions(
          SchemaRegistry.fromConfig(system.settings().config(), system.dynamicAccess().classLoader()));
    }
  }

  private static final Id ID = new Id();

  public static SchemaVersions get(ActorSystem system) {
    return ID.get(system);
  }

  public static SchemaVersions get(org.apache.pekko.actor.typed.ActorSystem<?> system) {
    return ID.get(Adapter.toClassic(system));
  }

  private final SchemaRegistry registry;
  private volatile ActiveVersions active = ActiveVersions.CURRENT;

  private SchemaVersions(SchemaRegistry registry) {
    this.registry = registry;
  }

  /** The schema of a class this node writes (version 1 when it has no migration). */
  public ClassSchema schemaOf(Class<?> type) {
    return registry.schemaOf(type);
  }

  /**
   * The version this node writes {@code type} at now: its current version unless the cluster
   * still reads only an older one. A behaviour whose new release adds information that the older
   * version cannot carry (a downgrade would drop it) can check this before it offers the new
   * feature.
   */
  public int activeVersionOf(Class<?> type) {
    ClassSchema schema = schemaOf(type);
    return Math.min(schema.currentVersion(),
        active.activeVersion(schema.className(), schema.currentVersion()));
  }

  /**
   * Declares classes this node writes or reads, so that the version gate knows their versions
   * before their first use (a class is otherwise known from its first serialization). A sealed
   * interface or class stands for all its permitted subclasses, recursively: declare an entity's
   * event, state and command roots at start.
   */
  public void declare(Class<?>... types) {
    for (Class<?> type : types) {
      if (type.isSealed()) {
        declare(type.getPermittedSubclasses());
      }
      if (!type.isInterface()) {
        registry.schemaOf(type);
      }
    }
  }

  /** The registry, for Baton's serializer. */
  public SchemaRegistry registry() {
    return registry;
  }

  /** Where the versions this node writes come from now. */
  public ActiveVersions activeVersions() {
    return active;
  }

  /** Replaces where the versions this node writes come from. */
  public void useActiveVersions(ActiveVersions versions) {
    this.active = Objects.requireNonNull(versions, "versions");
  }
}
