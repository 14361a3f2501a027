package io.baton.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Baton's serializer on one node: versions in the manifest, migrations on read (a chain, a renamed
 * field, a renamed class), write-down to the active version, and clear errors for what this code
 * cannot read. Values go through Pekko's serialization exactly as the journal's do.
 */
@Timeout(60)
class SchemaSerializerTest {

  static final int BATON = 1414;
  static final int PEKKO_CBOR = 33;
  static final String ACCOUNT3 = Account3.class.getName();

  private Release node;

  @BeforeEach
  void start() {
    node = Release.start("schema", Ledger.RELEASE_2);
    Account3.STEPS.clear();
  }

  @AfterEach
  void stop() {
    node.close();
  }

  /** ClusterSerializable values are written by Baton's serializer, with their version. */
  @Test
  void aClassWithoutMigrationIsWrittenAndReadAsVersion1() throws Exception {
    Unversioned value = new Unversioned("x", 3);
    Release.Stored stored = node.write(value);
    assertEquals(BATON, stored.serializerId());
    assertEquals(Unversioned.class.getName() + "#1", stored.manifest());
    assertEquals(value, node.read(stored));
    assertEquals(1, node.versions().schemaOf(Unversioned.class).currentVersion());
  }

  /** The current version is written and read as is: no migration step runs. */
  @Test
  void theCurrentVersionRoundTripsWithoutMigration() throws Exception {
    Account3 value = new Account3("ann", 1250, "CHF");
    Release.Stored stored = node.write(value);
    assertEquals(ACCOUNT3 + "#3", stored.manifest());
    assertEquals(value, node.read(stored));
    assertEquals(List.of(), Account3.STEPS);
  }

  /** Version 1 data goes through every step, in order: the renamed field and the added one. */
  @Test
  void version1DataIsUpgradedThroughTheWholeChainInOrder() throws Exception {
    Release.Stored v1 = node.raw(BATON, ACCOUNT3 + "#1", "{\"owner\":\"ann\",\"balance\":700}");
    assertEquals(new Account3("ann", 700, "EUR"), node.read(v1));
    assertEquals(List.of("1->2", "2->3"), Account3.STEPS);

    Account3.STEPS.clear();
    Release.Stored v2 = node.raw(BATON, ACCOUNT3 + "#2", "{\"owner\":\"bob\",\"balanceCents\":5}");
    assertEquals(new Account3("bob", 5, "EUR"), node.read(v2));
    assertEquals(List.of("2->3"), Account3.STEPS);
  }

  /** While the cluster reads only version 2, version 2 is written, and read back as version 3. */
  @Test
  void writesDownToTheActiveVersionAndReadsItBack() throws Exception {
    node.versions().useActiveVersions((name, current) -> name.equals(ACCOUNT3) ? 2 : current);
    Release.Stored stored = node.write(new Account3("ann", 1250, "CHF"));
    assertEquals(ACCOUNT3 + "#2", stored.manifest());
    assertEquals("{\"owner\":\"ann\",\"balanceCents\":1250}", node.json(stored));
    assertEquals(new Account3("ann", 1250, "EUR"), node.read(stored));
    assertEquals(List.of("3->2", "2->3"), Account3.STEPS);

    node.versions().useActiveVersions(ActiveVersions.CURRENT);
    assertEquals(ACCOUNT3 + "#3", node.write(new Account3("ann", 1, "CHF")).manifest());
  }

  /** An active version above the current one (newer members) writes the current version. */
  @Test
  void anActiveVersionAboveTheCurrentOneWritesTheCurrentOne() {
    node.versions().useActiveVersions((name, current) -> 9);
    assertEquals(ACCOUNT3 + "#3", node.write(new Account3("ann", 1, "CHF")).manifest());
  }

  /** A version older than the migration can write is refused, not written at another version. */
  @Test
  void writingBelowTheOldestWritableVersionFailsAndSaysWhy() {
    node.versions().useActiveVersions((name, current) -> 1);
    Exception failure = assertThrows(Exception.class,
        () -> node.write(new Account3("ann", 1, "CHF")));
    String message = failure.getMessage();
    assertTrue(message.contains(ACCOUNT3), message);
    assertTrue(message.contains("schema version 1"), message);
    assertTrue(message.contains("writes versions 2 to 3"), message);
  }

  /** Data of a newer release is a clear error: class, version found, versions read, what to do. */
  @Test
  void aNewerVersionIsRefusedWithTheClassTheVersionAndWhatToDo() throws Exception {
    Release.Stored v4 = node.raw(BATON, ACCOUNT3 + "#4",
        "{\"owner\":\"ann\",\"balanceCents\":1,\"currency\":\"EUR\",\"iban\":\"x\"}");
    Exception failure = assertThrows(Exception.class, () -> node.read(v4));
    SchemaVersionException error = assertInstanceOf(SchemaVersionException.class, failure);
    assertEquals(ACCOUNT3, error.className());
    assertEquals(4, error.foundVersion());
    String message = error.getMessage();
    assertTrue(message.contains(ACCOUNT3 + " at schema version 4"), message);
    assertTrue(message.contains("reads versions 1 to 3"), message);
    assertTrue(message.contains("upgrade this node"), message);
    assertEquals(List.of(), Account3.STEPS);
  }

  /** A class at version 1 refuses version 2 data just as clearly. */
  @Test
  void aClassWithoutMigrationRefusesVersion2() throws Exception {
    Release.Stored v2 = node.raw(BATON, Unversioned.class.getName() + "#2",
        "{\"name\":\"x\",\"count\":1}");
    SchemaVersionException error =
        assertInstanceOf(SchemaVersionException.class, assertThrows(Exception.class,
            () -> node.read(v2)));
    assertTrue(error.getMessage().contains("reads versions 1 of it"), error.getMessage());
  }

  /** An unknown class (renamed without a migration, or from a newer release) is a clear error. */
  @Test
  void anUnknownClassIsRefusedAndTheMessageSaysHowToMapARename() throws Exception {
    Release.Stored gone = node.raw(BATON, "com.example.Gone#1", "{}");
    SchemaVersionException error =
        assertInstanceOf(SchemaVersionException.class, assertThrows(Exception.class,
            () -> node.read(gone)));
    assertTrue(error.getMessage().contains("com.example.Gone"), error.getMessage());
    assertTrue(error.getMessage().contains("baton.upgrade.migrations"), error.getMessage());
  }

  /** Only ClusterSerializable classes are ever created from stored data. */
  @Test
  void aClassThatIsNotClusterSerializableIsRefused() throws Exception {
    Release.Stored list = node.raw(BATON, "java.util.ArrayList#1", "[]");
    SchemaVersionException error =
        assertInstanceOf(SchemaVersionException.class, assertThrows(Exception.class,
            () -> node.read(list)));
    assertTrue(error.getMessage().contains("ClusterSerializable"), error.getMessage());
  }

  /** A damaged manifest is an error quoting it. */
  @Test
  void aDamagedManifestIsRefused() throws Exception {
    Release.Stored bad = node.raw(BATON, ACCOUNT3 + "#x", "{}");
    Exception failure = assertThrows(Exception.class, () -> node.read(bad));
    assertTrue(failure.getMessage().contains(ACCOUNT3 + "#x"), failure.getMessage());
  }

  /** Release 2 reads the data of release 1's class name, renamed class and field. */
  @Test
  void aRenamedClassAndFieldAreReadFromTheFormerName() throws Exception {
    Release.Stored v1 = node.raw(BATON, Ledger.V1.Deposited.class.getName() + "#1",
        "{\"amount\":42}");
    assertEquals(new Ledger.V2.Deposited(42), node.read(v1));
  }

  /**
   * Data Pekko's plain jackson-cbor wrote for ClusterSerializable classes before Baton versioned
   * schemas (release 0) is still read: as is for a class without migration, and as version 1
   * through the migration for a class that has one. (Pekko's own serializer refuses it once the
   * binding moved, and would bind it as is, losing the renamed field.)
   */
  @Test
  void dataWrittenByPekkosJacksonCborBeforeSchemaVersionsIsReadAndMigrated() throws Exception {
    try (Release release0 = Release.start("release0", RELEASE_0)) {
      Unversioned plain = new Unversioned("legacy", 7);
      Release.Stored legacy = release0.write(plain);
      assertEquals(PEKKO_CBOR, legacy.serializerId());
      assertEquals(Unversioned.class.getName(), legacy.manifest());
      assertEquals(plain, node.read(legacy));

      Release.Stored deposit = release0.write(new Ledger.V1.Deposited(31));
      assertEquals(new Ledger.V2.Deposited(31), node.read(deposit));
    }
    Release.Stored renamed = node.raw(PEKKO_CBOR, ACCOUNT3, "{\"owner\":\"ann\",\"balance\":9}");
    assertEquals(new Account3("ann", 9, "EUR"), node.read(renamed));
    assertEquals(List.of("1->2", "2->3"), Account3.STEPS);
  }

  /** Writes under jackson-cbor (the replication protocol's binding) are Pekko's, byte for byte. */
  @Test
  void theJacksonCborBindingStillWritesAsPekko() throws Exception {
    JacksonCborSerializer pekko = new JacksonCborSerializer(
        (org.apache.pekko.actor.ExtendedActorSystem) node.serialization.system(), "jackson-cbor");
    var value = new io.baton.journal.replication.ReplicationMessage.ReplicaFailed("n1", "gone");
    Release.Stored stored = node.write(value);
    assertEquals(PEKKO_CBOR, stored.serializerId());
    assertEquals(pekko.manifest(value), stored.manifest());
    assertEquals(java.util.Arrays.toString(pekko.toBinary(value)),
        java.util.Arrays.toString(stored.bytes()));
    assertEquals(value, node.read(stored));
  }

  /** Baton before schema versions: ClusterSerializable bound to Pekko's own jackson-cbor. */
  static final String RELEASE_0 = """
      pekko.actor.serializers.jackson-cbor =
          "org.apache.pekko.serialization.jackson.JacksonCborSerializer"
      pekko.actor.serialization-bindings {
        "io.baton.serialization.ClusterSerializable" = jackson-cbor
      }
      """;
}
