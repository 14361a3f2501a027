package io.baton.upgrade.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import io.baton.upgrade.ClassSchema;
import io.baton.upgrade.MigratedBy;
import io.baton.upgrade.SchemaMigration;
import java.lang.reflect.Constructor;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the {@link ClassSchema} of a class: from its {@link MigratedBy} annotation, or from {@code
 * baton.upgrade.migrations} (for a former class name, or a class the user cannot annotate), else
 * version 1 without migration.
 *
 * <p>The configured migrations are created and validated when the registry is built (node start),
 * annotated ones on the first use of their class; every migration class has one instance. Results
 * are cached per class name in a concurrent map: any thread may ask.
 */
public final class SchemaRegistry {

  /** The configuration path of the migrations map. */
  public static final String MIGRATIONS = "baton.upgrade.migrations";

  private final ClassLoader loader;
  private final Map<String, SchemaMigration> configured;
  private final Map<Class<?>, SchemaMigration> instances = new ConcurrentHashMap<>();
  private final Map<String, Optional<ClassSchema>> byName = new ConcurrentHashMap<>();

  private SchemaRegistry(ClassLoader loader, Map<String, Class<?>> configuredClasses) {
    this.loader = loader;
    Map<String, SchemaMigration> migrations = new HashMap<>();
    configuredClasses.forEach((name, type) -> migrations.put(name, instance(type, name)));
    this.configured = Map.copyOf(migrations);
  }

  /**
   * Reads {@code baton.upgrade.migrations}: class name (as written in stored data) to migration
   * class. Fails with the key, the value and what is allowed when a migration class is missing,
   * not a {@link SchemaMigration}, or cannot be created, or declares inconsistent versions.
   */
  public static SchemaRegistry fromConfig(Config config, ClassLoader loader) {
    Map<String, Class<?>> classes = new HashMap<>();
    for (Map.Entry<String, ConfigValue> entry
        : config.getConfig(MIGRATIONS).root().entrySet()) {
      String key = MIGRATIONS + ".\"" + entry.getKey() + "\"";
      Object value = entry.getValue().unwrapped();
      if (!(value instanceof String name) || name.isBlank()) {
        throw new IllegalArgumentException(key + " = " + value + ": must be the name of a class "
            + "extending " + SchemaMigration.class.getName());
      }
      try {
        Class<?> type = Class.forName(name, false, loader);
        if (!SchemaMigration.class.isAssignableFrom(type)) {
          throw new IllegalArgumentException(key + " = " + name + ": the class does not extend "
              + SchemaMigration.class.getName());
        }
        classes.put(entry.getKey(), type);
      } catch (ClassNotFoundException e) {
        throw new IllegalArgumentException(key + " = " + name + ": no such class on the "
            + "classpath; it must name a class extending " + SchemaMigration.class.getName(), e);
      }
    }
    SchemaRegistry registry = new SchemaRegistry(loader, classes);
    registry.configured.forEach((name, migration) -> ClassSchema.of(name, migration));
    return registry;
  }

  /** The schema of a class this node writes. */
  public ClassSchema schemaOf(Class<?> type) {
    return byName.computeIfAbsent(type.getName(), name -> Optional.of(resolve(type)))
        .orElseThrow();
  }

  /**
   * The schema of the class named in stored data, which may be a former name known only to
   * {@code baton.upgrade.migrations}; empty when there is no such class and no migration for it.
   */
  public Optional<ClassSchema> schemaOf(String className) {
    return byName.computeIfAbsent(className, name -> {
      try {
        return Optional.of(resolve(Class.forName(name, false, loader)));
      } catch (ClassNotFoundException e) {
        SchemaMigration migration = configured.get(name);
        return migration == null ? Optional.empty() : Optional.of(ClassSchema.of(name, migration));
      }
    });
  }

  /**
   * The current version of every class this registry knows now: the classes configured in {@code
   * baton.upgrade.migrations} that exist on this node, and every class resolved so far (written,
   * read or declared). What this node tells the version gate.
   */
  public Map<String, Integer> known() {
    configured.keySet().forEach(this::schemaOf);
    Map<String, Integer> versions = new java.util.TreeMap<>();
    byName.forEach((name, schema) ->
        schema.ifPresent(found -> versions.put(name, found.currentVersion())));
    return versions;
  }

  private ClassSchema resolve(Class<?> type) {
    String name = type.getName();
    MigratedBy annotation = type.getAnnotation(MigratedBy.class);
    SchemaMigration fromConfig = configured.get(name);
    if (annotation != null && fromConfig != null
        && !annotation.value().equals(fromConfig.getClass())) {
      throw new IllegalStateException(name + " names its migration twice, differently: "
          + "@MigratedBy(" + annotation.value().getName() + ") and " + MIGRATIONS + ".\"" + name
          + "\" = " + fromConfig.getClass().getName() + ". Keep one.");
    }
    if (annotation != null) {
      return ClassSchema.of(name, instance(annotation.value(), "@MigratedBy on " + name));
    }
    return fromConfig == null ? ClassSchema.unversioned(name) : ClassSchema.of(name, fromConfig);
  }

  private SchemaMigration instance(Class<?> type, String declaredBy) {
    return instances.computeIfAbsent(type, t -> {
      try {
        Constructor<?> constructor = t.getDeclaredConstructor();
        constructor.setAccessible(true);
        return (SchemaMigration) constructor.newInstance();
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new IllegalArgumentException(declaredBy + ": cannot create the migration "
            + t.getName() + " (it needs a public no-argument constructor): " + e, e);
      }
    });
  }
}
