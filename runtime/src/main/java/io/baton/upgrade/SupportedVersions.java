package io.baton.upgrade;

/**
 * The schema versions of one class a node's jar supports, as it advertises them when it joins
 * ({@code baton.upgrade.supported}) and in the operator status.
 *
 * @param current the version it reads as is and writes when the cluster lets it
 * @param oldestWritable the oldest version it can write (downgrade to)
 * @param oldestReadable the oldest version it can read (upgrade from)
 */
public record SupportedVersions(int current, int oldestWritable, int oldestReadable) {

  /** Validates: {@code 1 <= oldestWritable, oldestReadable <= current}. */
  public SupportedVersions {
    if (current < 1 || oldestWritable < 1 || oldestWritable > current || oldestReadable < 1
        || oldestReadable > current) {
      throw new IllegalArgumentException("supported versions current = " + current
          + ", oldest-writable = " + oldestWritable + ", oldest-readable = " + oldestReadable
          + ": each must be at least 1 and the oldest ones at most current");
    }
  }

  /** What a class's schema on this node supports. */
  public static SupportedVersions of(ClassSchema schema) {
    return new SupportedVersions(
        schema.currentVersion(), schema.oldestWritable(), schema.oldestReadable());
  }

  /** "2..3" (oldest writable to current), or "3". */
  public String range() {
    return oldestWritable == current ? String.valueOf(current) : oldestWritable + ".." + current;
  }
}
