package io.baton.upgrade;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The schema history of one event, snapshot or message class, written next to the class and
 * named on it with {@link MigratedBy}. Versions are numbered 1, 2, 3...; a class without a
 * migration is at version 1.
 *
 * <p>Reading: data written at a version older than {@link #currentVersion()} goes through {@link
 * #upgrade} (as a Jackson tree) before it is bound to the class; data at a newer version, or older
 * than {@link #oldestReadableVersion()}, is refused with a {@link SchemaVersionException}, never
 * dropped or misread.
 *
 * <p>Writing: while the cluster still has nodes that only read an older version (the active
 * version of the class is below the current one), Baton writes the value at that older version
 * through {@link #downgrade}, so that every node can read everything written. A migration that can
 * write down to version {@code n} says so with {@link #oldestWritableVersion()}.
 *
 * <p>Both directions work on the JSON tree Jackson writes for the class, whatever the wire format
 * (Baton stores CBOR). Implementations must be stateless and thread-safe, with a public no-argument
 * constructor; one instance serves every read and write of the node.
 *
 * <pre>{@code
 * @MigratedBy(Deposited.Migration.class)
 * public record Deposited(long amountCents) implements ClusterSerializable {
 *   public static final class Migration extends SchemaMigration {
 *     public int currentVersion() { return 2; }
 *     public int oldestWritableVersion() { return 1; }
 *     public JsonNode upgrade(int fromVersion, JsonNode json) {   // v1 had "amount"
 *       ObjectNode node = (ObjectNode) json;
 *       node.set("amountCents", node.remove("amount"));
 *       return node;
 *     }
 *     public JsonNode downgrade(int toVersion, JsonNode json) {   // v1 code reads "amount"
 *       ObjectNode node = (ObjectNode) json;
 *       node.set("amount", node.remove("amountCents"));
 *       return node;
 *     }
 *   }
 * }
 * }</pre>
 */
public abstract class SchemaMigration {

  /** The version this code writes by default and reads without migration; at least 1. */
  public abstract int currentVersion();

  /**
   * The oldest version this code can still read (through {@link #upgrade}); 1 unless the
   * migration dropped support for very old data.
   */
  public int oldestReadableVersion() {
    return 1;
  }

  /**
   * The oldest version this code can write (through {@link #downgrade}); by default only the
   * current one. Declare the previous version here while a rolling upgrade from it is possible.
   */
  public int oldestWritableVersion() {
    return currentVersion();
  }

  /**
   * Turns data written at {@code fromVersion} (older than the current version, not older than
   * {@link #oldestReadableVersion()}) into data of the current version. One method for the whole
   * chain: handle every older version (typically step by step, v1 to v2 to v3).
   *
   * @param json the tree as it was written; may be modified and returned
   */
  public JsonNode upgrade(int fromVersion, JsonNode json) {
    return json;
  }

  /**
   * The class name data written at {@code fromVersion} under {@code className} binds to now: the
   * current name of a class that was renamed or moved. Unchanged by default. The old name must also
   * be mapped to this migration in {@code baton.upgrade.migrations}, since no class of that name
   * exists any more to carry the annotation.
   */
  public String upgradeClassName(int fromVersion, String className) {
    return className;
  }

  /**
   * Turns a value of the current version into data of {@code toVersion} (older than the current
   * version, not older than {@link #oldestWritableVersion()}), exactly as that older code wrote it.
   *
   * @param json the tree of the current value; may be modified and returned
   */
  public JsonNode downgrade(int toVersion, JsonNode json) {
    throw new UnsupportedOperationException(getClass().getName()
        + " declares oldestWritableVersion " + oldestWritableVersion()
        + " but does not implement downgrade(" + toVersion + ", json)");
  }

  /**
   * The class name that code of {@code toVersion} knows the class by: the inverse of {@link
   * #upgradeClassName}. Unchanged by default.
   */
  public String downgradeClassName(int toVersion, String className) {
    return className;
  }
}
