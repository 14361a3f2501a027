package io.baton.upgrade;

import java.util.Optional;

/**
 * The schema versions of one class as this node's code knows them: which versions it reads and
 * which it can write, and the migration that converts between them (none: version 1 only).
 *
 * @param className the class's current name
 * @param currentVersion the version this code reads as is and writes by default
 * @param oldestReadable the oldest version it can upgrade on read
 * @param oldestWritable the oldest version it can downgrade to on write
 * @param migration the migration, empty for a class at version 1
 */
public record ClassSchema(String className, int currentVersion, int oldestReadable,
    int oldestWritable, Optional<SchemaMigration> migration) {

  /** Validates the versions; the error names the migration and the bad value. */
  public ClassSchema {
    String who = migration.map(m -> m.getClass().getName()).orElse(className);
    if (currentVersion < 1) {
      throw new IllegalArgumentException(
          who + ": currentVersion is " + currentVersion + ", must be at least 1");
    }
    if (oldestReadable < 1 || oldestReadable > currentVersion) {
      throw new IllegalArgumentException(who + ": oldestReadableVersion is " + oldestReadable
          + ", must be between 1 and currentVersion (" + currentVersion + ")");
    }
    if (oldestWritable < 1 || oldestWritable > currentVersion) {
      throw new IllegalArgumentException(who + ": oldestWritableVersion is " + oldestWritable
          + ", must be between 1 and currentVersion (" + currentVersion + ")");
    }
  }

  /** A class without a migration: version 1, read and written as is. */
  public static ClassSchema unversioned(String className) {
    return new ClassSchema(className, 1, 1, 1, Optional.empty());
  }

  /** The schema a migration declares for {@code className}. */
  public static ClassSchema of(String className, SchemaMigration migration) {
    return new ClassSchema(className, migration.currentVersion(),
        migration.oldestReadableVersion(), migration.oldestWritableVersion(),
        Optional.of(migration));
  }

  /** The versions this code reads, e.g. "1 to 3" or "1". */
  public String readable() {
    return oldestReadable == currentVersion
        ? String.valueOf(currentVersion) : oldestReadable + " to " + currentVersion;
  }

  /** The versions this code writes, e.g. "2 to 3" or "3". */
  public String writable() {
    return oldestWritable == currentVersion
        ? String.valueOf(currentVersion) : oldestWritable + " to " + currentVersion;
  }
}
