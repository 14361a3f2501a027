package io.baton.upgrade.internal;

import io.baton.upgrade.ClassSchema;
import io.baton.upgrade.SchemaVersionException;
import java.util.Optional;

/**
 * The two decisions of Baton's serializer, as pure functions: at which version to write a class
 * given the cluster's active version, and what to do with data found at some version. Every
 * refusal is a {@link SchemaVersionException} naming the class, the version, the versions this
 * code supports and what to do.
 */
public final class SchemaRules {

  private SchemaRules() {}

  /** How stored data becomes a value of the current class. */
  public enum Read {
    /** Written at the current version: bind it as is. */
    AS_IS,
    /** Written at an older version: upgrade the tree (and maybe the class name) first. */
    UPGRADE
  }

  /**
   * The version to write {@code schema}'s class at when the cluster's active version of it is
   * {@code active}: the active version, capped at the current one. An active version of 0 means
   * that some member does not know the class at all.
   *
   * @throws SchemaVersionException when the active version is older than this code can write
   */
  public static int writeVersion(ClassSchema schema, int active) throws SchemaVersionException {
    int version = Math.min(active, schema.currentVersion());
    if (version < 1) {
      throw SchemaVersionException.of("Cannot write " + schema.className() + ": some member of "
          + "the cluster runs an older release that does not know this class, and would fail to "
          + "read it. Write it only once every node runs this release (check "
          + "SchemaVersions.activeVersionOf), or finish upgrading the older nodes first.",
          schema.className(), version);
    }
    if (version < schema.oldestWritable()) {
      throw SchemaVersionException.of("Cannot write " + schema.className() + " at schema version "
          + version + ", the version the cluster still reads: this node's code writes versions "
          + schema.writable() + " of it. Some member runs an older release that reads only "
          + "version " + version + ". Either give the class's migration a downgrade to version "
          + version + " (oldestWritableVersion = " + version + ") until every node runs this "
          + "release, or finish upgrading (or stop) the older nodes first.",
          schema.className(), version);
    }
    return version;
  }

  /**
   * What to do with data of class {@code className} found at {@code version}, given this code's
   * schema of that name (empty: no such class and no migration for it).
   *
   * @throws SchemaVersionException when the version is newer than this code, older than it still
   *     reads, or the class is unknown
   */
  public static Read read(String className, int version, Optional<ClassSchema> found)
      throws SchemaVersionException {
    if (found.isEmpty()) {
      throw SchemaVersionException.of("Cannot read " + className + " at schema version " + version
          + ": there is no such class on this node, and no migration in "
          + SchemaRegistry.MIGRATIONS + " names it. If the class was renamed or moved, map its "
          + "old name to the new class's migration there and return the new name from "
          + "upgradeClassName; if a newer release wrote it, upgrade this node to that release.",
          className, version);
    }
    ClassSchema schema = found.get();
    if (version > schema.currentVersion()) {
      throw SchemaVersionException.of("Cannot read " + className + " at schema version "
          + version + ": this node's code reads versions " + schema.readable() + " of it. A newer "
          + "release of the application wrote it, and this node runs an older jar: upgrade this "
          + "node to the writer's release, or roll the writer back. (A newer release writes the "
          + "version every member reads while the cluster is mixed, so the data was written after "
          + "every member read version " + version + ".)", className, version);
    }
    if (version < schema.oldestReadable()) {
      throw SchemaVersionException.of("Cannot read " + className + " at schema version "
          + version + ": this node's code reads versions " + schema.readable() + " of it; its "
          + "migration no longer upgrades version " + version + ". Run a release that still "
          + "reads it, or migrate the stored data before dropping that version.",
          className, version);
    }
    return version == schema.currentVersion() ? Read.AS_IS : Read.UPGRADE;
  }
}
