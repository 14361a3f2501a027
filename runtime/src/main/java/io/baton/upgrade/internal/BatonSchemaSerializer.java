package io.baton.upgrade.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.baton.limits.ReadBack;
import io.baton.serialization.ClusterSerializable;
import io.baton.upgrade.ClassSchema;
import io.baton.upgrade.SchemaMigration;
import io.baton.upgrade.SchemaVersionException;
import io.baton.upgrade.SchemaVersions;
import java.io.NotSerializableException;
import java.util.Optional;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;

/**
 * Baton's serializer for {@link ClusterSerializable} values: Jackson CBOR with the class's schema
 * version in the manifest ({@link SchemaManifest}), bound in {@code reference.conf} as {@code
 * baton-cbor}. Its object mapper comes from Pekko's {@link JacksonObjectMapperProvider}, so Pekko's
 * Jackson settings ({@code pekko.serialization.jackson}, and {@code ...jackson.baton-cbor}) apply.
 *
 * <p><b>Write.</b> A value is written at the cluster's active version of its class ({@link
 * SchemaVersions#activeVersions()}): as is at the current version, else turned into a tree,
 * downgraded by the class's migration, and written with the class name that version knew.
 *
 * <p><b>Read.</b> Data at the current version is bound as is; at an older one it is upgraded (tree
 * and class name) first; anything else (a newer version, a version no longer read, an unknown
 * class, a class that is not {@link ClusterSerializable}) fails with a {@link
 * SchemaVersionException} and is never dropped or guessed.
 *
 * <p><b>Readable or refused.</b> Bytes are returned only after they were parsed back under the
 * mapper's own read constraints ({@link ReadBack}): a value Jackson would write but refuse to
 * read (a 52,000-character map key) fails here, with {@link
 * io.baton.limits.LimitExceededException}, so the journal rejects the event instead of storing
 * what no replay could read.
 *
 * <p><b>Manifest and bytes agree.</b> Pekko asks for the manifest and the bytes of a value in two
 * calls, in either order (the journal asks for the manifest first, the snapshot codec for the bytes
 * first), and the active version may advance between them. The first call of a pair decides the
 * version and leaves it in a thread-local slot tagged with the value; the second call on the same
 * thread for the same value takes it and empties the slot.
 */
public final class BatonSchemaSerializer extends SerializerWithStringManifest {

  /** The binding name in {@code pekko.actor.serializers}. */
  public static final String BINDING = "baton-cbor";

  /** The version decided by the first of the two calls for a value, see the class comment. */
  private record Decided(Object value, int version) {}

  private final ExtendedActorSystem system;
  private final int identifier;
  private final ObjectMapper mapper;
  private final ThreadLocal<Decided> decided = new ThreadLocal<>();
  private volatile SchemaVersions versions;

  public BatonSchemaSerializer(ExtendedActorSystem system) {
    this.system = system;
    this.identifier = org.apache.pekko.serialization.BaseSerializer$.MODULE$.identifierFromConfig(BINDING, system);
    this.mapper = JacksonObjectMapperProvider.get(system)
        .getOrCreate(BINDING, Optional.of(new CBORFactory()));
  }

  @Override
  public int identifier() {
    return identifier;
  }

  // Created on first use, not in the constructor: serializers are built while the actor system's
  // serialization starts.
  private SchemaVersions versions() {
    SchemaVersions v = versions;
    if (v == null) {
      v = SchemaVersions.get(system);
      versions = v;
    }
    return v;
  }

  @Override
  public String manifest(Object value) {
    ClassSchema schema = versions().schemaOf(value.getClass());
    int version = pairedVersion(value, schema);
    String name = schema.className();
    if (version < schema.currentVersion()) {
      name = schema.migration().orElseThrow().downgradeClassName(version, name);
    }
    return new SchemaManifest(name, version).format();
  }

  @Override
  public byte[] toBinary(Object value) {
    ClassSchema schema = versions().schemaOf(value.getClass());
    int version = pairedVersion(value, schema);
    byte[] bytes;
    try {
      if (version == schema.currentVersion()) {
        bytes = mapper.writeValueAsBytes(value);
      } else {
        SchemaMigration migration = schema.migration().orElseThrow();
        JsonNode tree = migration.downgrade(version, mapper.valueToTree(value));
        bytes = mapper.writeValueAsBytes(tree);
      }
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("Cannot serialize " + schema.className()
          + " at schema version " + version + ": " + e.getMessage(), e);
    }
    // Nothing is written that this serializer's reader would refuse (decision 0016).
    ReadBack.check(mapper.getFactory(), bytes, schema.className());
    return bytes;
  }

  /** The version of this pair of calls: decided by the first, taken by the second. */
  private int pairedVersion(Object value, ClassSchema schema) {
    Decided previous = decided.get();
    if (previous != null && previous.value() == value) {
      decided.remove();
      return previous.version();
    }
    int active = versions().activeVersions().activeVersion(
        schema.className(), schema.currentVersion());
    int version;
    try {
      version = SchemaRules.writeVersion(schema, active);
    } catch (SchemaVersionException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    decided.set(new Decided(value, version));
    return version;
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    return read(bytes, SchemaManifest.parse(manifest));
  }

  /**
   * Whether data of this class name (as written) is Baton's to read: its class is {@link
   * ClusterSerializable}, or it is a former class name with a migration.
   */
  boolean isClusterSerializable(String className) {
    Optional<ClassSchema> schema = versions().registry().schemaOf(className);
    if (schema.isEmpty()) {
      return false;
    }
    if (schema.get().migration().isPresent()) {
      return true;
    }
    try { // no migration: the class exists
      return ClusterSerializable.class.isAssignableFrom(
          Class.forName(className, false, system.dynamicAccess().classLoader()));
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** Reads a payload found at the manifest's version. */
  Object read(byte[] bytes, SchemaManifest found) throws NotSerializableException {
    Optional<ClassSchema> schema = versions().registry().schemaOf(found.className());
    SchemaRules.Read read = SchemaRules.read(found.className(), found.version(), schema);
    String className = found.className();
    SchemaMigration migration = schema.get().migration().orElse(null);
    if (read == SchemaRules.Read.UPGRADE) {
      className = migration.upgradeClassName(found.version(), className);
    }
    Class<?> type = allowedClass(className, found);
    try {
      if (read == SchemaRules.Read.AS_IS) {
        return mapper.readValue(bytes, type);
      }
      JsonNode tree = migration.upgrade(found.version(), mapper.readTree(bytes));
      return mapper.treeToValue(tree, type);
    } catch (java.io.IOException e) {
      NotSerializableException failure = new NotSerializableException("Cannot read "
          + found.className() + " at schema version " + found.version() + " as " + className
          + (read == SchemaRules.Read.UPGRADE ? " after its migration" : "") + ": "
          + e.getMessage());
      failure.initCause(e);
      throw failure;
    }
  }

  /** Loads the class to bind to; only {@link ClusterSerializable} classes are ever created. */
  private Class<?> allowedClass(String className, SchemaManifest found)
      throws SchemaVersionException {
    Class<?> type;
    try {
      type = Class.forName(className, false, system.dynamicAccess().classLoader());
    } catch (ClassNotFoundException e) {
      throw SchemaVersionException.of("Cannot read " + found.className() + " at schema version "
          + found.version() + ": its migration maps it to class " + className + ", which is not "
          + "on this node's classpath. Fix upgradeClassName, or deploy the class.",
          found.className(), found.version());
    }
    if (!ClusterSerializable.class.isAssignableFrom(type)) {
      throw SchemaVersionException.of("Refusing to read " + className + " (schema version "
          + found.version() + "): Baton's serializer only creates classes that implement "
          + ClusterSerializable.class.getName() + ".", found.className(), found.version());
    }
    return type;
  }
}
