package io.baton.upgrade.internal;

import io.baton.upgrade.SchemaVersionException;

/**
 * The manifest Baton's serializer stores with every payload: {@code <class name>#<version>}, the
 * form Pekko's Jackson serializer uses. A manifest without {@code #} (written by Pekko's plain
 * Jackson serializer) is version 1.
 *
 * @param className the class name as written
 * @param version the schema version, at least 1
 */
public record SchemaManifest(String className, int version) {

  /** Formats it. */
  public String format() {
    return className + "#" + version;
  }

  /** Parses a stored manifest; the error quotes it. */
  public static SchemaManifest parse(String manifest) throws SchemaVersionException {
    int hash = manifest.lastIndexOf('#');
    if (hash < 0) {
      return new SchemaManifest(manifest, 1);
    }
    String name = manifest.substring(0, hash);
    try {
      int version = Integer.parseInt(manifest.substring(hash + 1));
      if (version >= 1 && !name.isEmpty()) {
        return new SchemaManifest(name, version);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw SchemaVersionException.of("Cannot read a payload with manifest \"" + manifest
        + "\": expected <class name>#<schema version>, the version a positive integer. "
        + "The data is damaged or was not written by Baton's serializer.", name, 0);
  }
}
