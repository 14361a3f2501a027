package io.baton.samples.bank;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.baton.client.AppliedRequest;
import io.baton.client.IdempotencyLog;
import io.baton.client.Retention;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;

/**
 * The account data release 1 of the bank writes, kept as JSON files in {@code
 * src/test/fixtures/bank-v1}: release 1's test checks that its code writes exactly them, and
 * release 2's tests (src/test-bank-v2/java, which has its own copy of this class) read them as
 * data a release-1 node stored. Also serializes as a node's journal does.
 */
final class BankV1Format {

  static final Path FIXTURES = Path.of("src", "test", "fixtures", "bank-v1");
  static final int BATON_CBOR = 1414;

  /** The request record every fixture event carries. */
  static final AppliedRequest<AccountOutcome> APPLIED =
      new AppliedRequest<>("transfer:t1:debit", new AccountOutcome.Accepted(750), 1_700_000_000_000L);

  /** The log of an account that applied {@link #APPLIED} (default retention). */
  static IdempotencyLog<AccountOutcome> log() {
    return IdempotencyLog.<AccountOutcome>create(Retention.defaults()).record(APPLIED);
  }

  /** A stored value: serializer, manifest, bytes. */
  record Stored(int serializerId, String manifest, byte[] bytes) {}

  private final Serialization serialization;
  private final ObjectMapper cbor;

  BankV1Format(ActorSystem<?> system) {
    this.serialization = SerializationExtension.get(system);
    this.cbor = JacksonObjectMapperProvider.get(system)
        .getOrCreate("baton-cbor", Optional.of(new CBORFactory()));
  }

  /** Serializes as the journal does. */
  Stored write(Object value) {
    Serializer serializer = serialization.findSerializerFor(value);
    return new Stored(serializer.identifier(), Serializers.manifestFor(serializer, value),
        serializer.toBinary(value));
  }

  Object read(Stored stored) throws Exception {
    return serialization.deserialize(stored.bytes(), stored.serializerId(), stored.manifest())
        .get();
  }

  /** The stored bytes as a JSON tree. */
  JsonNode json(Stored stored) throws IOException {
    return cbor.readTree(stored.bytes());
  }

  /** The fixture {@code name}.json as release 1 stored it, at {@code manifest}. */
  Stored fixture(String name, String manifest) throws IOException {
    return raw(manifest, fixtureJson(name));
  }

  /** {@code json} as Baton's serializer stores it, under {@code manifest}. */
  Stored raw(String manifest, JsonNode json) throws IOException {
    return new Stored(BATON_CBOR, manifest, cbor.writeValueAsBytes(json));
  }

  static JsonNode fixtureJson(String name) throws IOException {
    return new ObjectMapper().readTree(Files.readString(FIXTURES.resolve(name + ".json")));
  }
}
