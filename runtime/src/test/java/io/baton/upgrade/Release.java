package io.baton.upgrade;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;

/**
 * One release of the application in one actor system: its configuration (migrations), optionally
 * Baton's journal on a directory. Serializes as a node does, through Pekko's serialization.
 */
final class Release implements AutoCloseable {

  /** A payload as stored: serializer id, manifest, bytes. */
  record Stored(int serializerId, String manifest, byte[] bytes) {}

  final ActorTestKit kit;
  final Serialization serialization;

  private Release(ActorTestKit kit) {
    this.kit = kit;
    this.serialization = SerializationExtension.get(kit.system());
  }

  static Release start(String name, String config) {
    return new Release(ActorTestKit.create(name, ConfigFactory.load(
        ConfigFactory.parseString(config + "\npekko.loglevel = WARNING\n"))));
  }

  /** With Baton's journal and snapshot store on {@code dir}. */
  static Release withJournal(String name, String config, Path dir) {
    return new Release(ActorTestKit.create(name, ConfigFactory.load(ConfigFactory.parseString(
        config + """
            pekko.persistence.journal.plugin = "baton.journal"
            pekko.persistence.snapshot-store.plugin = "baton.snapshot-store"
            pekko.loglevel = WARNING
            """).withValue("baton.journal.dir", ConfigValueFactory.fromAnyRef(dir.toString())))));
  }

  SchemaVersions versions() {
    return SchemaVersions.get(kit.system());
  }

  /** Serializes as the journal does: serializer, manifest, bytes. */
  Stored write(Object value) {
    Serializer serializer = serialization.findSerializerFor(value);
    String manifest = Serializers.manifestFor(serializer, value);
    return new Stored(serializer.identifier(), manifest, serializer.toBinary(value));
  }

  Object read(Stored stored) throws Exception {
    return serialization.deserialize(stored.bytes(), stored.serializerId(), stored.manifest())
        .get();
  }

  /** The CBOR mapper Baton's serializer uses (Pekko's, for binding baton-cbor). */
  ObjectMapper cbor() {
    return JacksonObjectMapperProvider.get(kit.system())
        .getOrCreate("baton-cbor", Optional.of(new CBORFactory()));
  }

  /** Data as some release wrote it: the JSON text, in CBOR. */
  Stored raw(int serializerId, String manifest, String json) throws Exception {
    JsonNode tree = new ObjectMapper().readTree(json);
    return new Stored(serializerId, manifest, cbor().writeValueAsBytes(tree));
  }

  /** The stored bytes as JSON text. */
  String json(Stored stored) throws Exception {
    return cbor().readTree(stored.bytes()).toString();
  }

  @Override
  public void close() {
    kit.shutdownTestKit();
  }
}
