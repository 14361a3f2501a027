package io.baton.upgrade;

/**
 * Which schema version of a class this node writes now: the cluster's active version of it. While
 * a rolling upgrade runs, nodes still on the old release read only the old version, so the new
 * release writes the old one until every member reads the new one (the version gate).
 *
 * <p>Called on every serialization, from any thread: implementations answer from memory, at once.
 */
@FunctionalInterface
public interface ActiveVersions {

  /** Every class at this code's current version: a node alone, or a cluster on one release. */
  ActiveVersions CURRENT = (className, currentVersion) -> currentVersion;

  /**
   * The version to write {@code className} at, given the version this code is at. A value above
   * {@code currentVersion} is read as {@code currentVersion}; one below what the class's migration
   * can write (0: some member does not know the class) makes the write fail with a {@link
   * SchemaVersionException}.
   */
  int activeVersion(String className, int currentVersion);
}
