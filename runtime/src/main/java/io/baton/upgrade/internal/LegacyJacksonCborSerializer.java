package io.baton.upgrade.internal;

import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.baton.serialization.ClusterSerializable;
import java.io.NotSerializableException;
import java.util.Optional;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.apache.pekko.serialization.jackson.JacksonSerializer;

/**
 * Pekko's {@code jackson-cbor} serializer (id 33), which also reads the {@link ClusterSerializable}
 * data it wrote before Baton had its own serializer.
 *
 * <p>Needed because Pekko's serializer reads only classes bound to a Jackson serializer: once
 * {@link ClusterSerializable} is bound to Baton's, plain {@code jackson-cbor} refuses that data
 * ("only classes that are listed as allowed"). Such data is read by Baton's serializer as version
 * 1 of its class, so a class that has a migration since then is migrated (bound as is, a renamed
 * field would be silently lost).
 *
 * <p>Everything else is Pekko's serializer, inherited unchanged: every write (Baton's replication
 * protocol is still bound to {@code jackson-cbor}), data whose manifest carries a Pekko migration
 * version ({@code Class#n}), and other classes. It extends Pekko's Jackson serializer base class
 * (built exactly as Pekko builds {@code JacksonCborSerializer}, which is final) because Pekko's
 * allow-list only trusts classes bound to a subclass of it. Installed under Pekko's binding name
 * in {@code reference.conf}, so the id stays 33 and stored data keeps its meaning.
 */
public final class LegacyJacksonCborSerializer extends JacksonSerializer {

  /** Pekko's binding name, and this serializer's. */
  public static final String BINDING = "jackson-cbor";

  private final BatonSchemaSerializer baton;

  public LegacyJacksonCborSerializer(ExtendedActorSystem system) {
    super(system, BINDING, JacksonObjectMapperProvider.get(system)
        .getOrCreate(BINDING, Optional.of(new CBORFactory())));
    this.baton = new BatonSchemaSerializer(system);
  }

  /** As Pekko's, but refuses bytes its own reader would refuse ({@link io.baton.limits.ReadBack}). */
  @Override
  public byte[] toBinary(Object value) {
    byte[] bytes = super.toBinary(value);
    io.baton.limits.ReadBack.check(objectMapper().getFactory(), bytes, value.getClass().getName());
    return bytes;
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) {
    if (manifest.indexOf('#') < 0 && baton.isClusterSerializable(manifest)) {
      try {
        return baton.read(bytes, new SchemaManifest(manifest, 1));
      } catch (NotSerializableException e) {
        // Scala's signature declares no checked exception; Pekko catches any.
        throw new IllegalStateException(e.getMessage(), e);
      }
    }
    return super.fromBinary(bytes, manifest);
  }
}
