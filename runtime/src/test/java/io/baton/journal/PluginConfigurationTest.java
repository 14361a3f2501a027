package io.baton.journal;

import static io.baton.journal.PluginFixture.classic;
import static io.baton.journal.PluginFixture.seq;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.baton.journal.store.CorruptRecordException;
import io.baton.journal.store.JournalStore;
import io.baton.journal.store.JournalStoreSettings;
import io.baton.journal.store.PluginSettings;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.JournalProtocol.ReplayMessages;
import org.apache.pekko.persistence.JournalProtocol.ReplayMessagesFailure;
import org.apache.pekko.persistence.JournalProtocol.WriteMessages;
import org.apache.pekko.persistence.JournalProtocol.WriteMessagesSuccessful$;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.PersistentRepr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** The plugins' configuration and how their failures reach Pekko. */
@Timeout(30)
class PluginConfigurationTest {

  @TempDir Path dir;

  /** Setting the journal's store keys moves the snapshot store's too (reference.conf). */
  @Test
  void theSnapshotStoreFollowsTheJournalsStoreSettings() {
    // Layered over an already resolved configuration, as a node's code often does: the
    // snapshot store must still follow the journal's dir and fsync.
    Config config = com.typesafe.config.ConfigFactory.parseString(
            "baton.journal.dir = \"" + dir.toString().replace("\\", "/") + "\"\n"
                + "baton.journal.fsync = off")
        .withFallback(com.typesafe.config.ConfigFactory.load());
    PluginSettings journal =
        PluginSettings.fromConfig(config.getConfig("baton.journal"), "baton.journal");
    PluginSettings snapshots = PluginSettings.forSnapshotStore(
        config.getConfig("baton.snapshot-store"), "baton.snapshot-store", config);
    assertEquals(journal.store(), snapshots.store());
    assertEquals(JournalStoreSettings.create(dir).withFsync(false).withRepairDamagedLog(true),
        journal.store());
  }

  /** An invalid value fails with the key, the value and what is allowed. */
  @Test
  void anInvalidValueNamesItsKey() {
    Config config = PluginFixture.config(dir, "baton.journal.group-commit.max-requests = 0");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PluginSettings.fromConfig(config.getConfig("baton.journal"), "baton.journal"));
    assertEquals("baton.journal.group-commit.max-requests = 0 is invalid: it must be at least 1",
        e.getMessage());
  }

  /** A corrupt event fails the replay, and the failure names the event. */
  @Test
  void aCorruptEventFailsTheReplayNamingIt() throws Exception {
    try (PluginFixture fixture = PluginFixture.start("PluginConfigurationTest", dir)) {
      ActorRef journal = Persistence.get(fixture.classic).journalFor(null, ConfigFactory.empty());
      TestProbe<Object> probe = fixture.probe();
      List<AtomicWrite> writes = List.of(1L, 2L).stream()
          .map(n -> new AtomicWrite(seq(List.of(
              PersistentRepr.apply("e-" + n, n, "p", "", false, null, "w")))))
          .toList();
      journal.tell(new WriteMessages(seq(writes), classic(probe), 1), ActorRef.noSender());
      probe.expectMessage(WriteMessagesSuccessful$.MODULE$);
      probe.receiveMessage();
      probe.receiveMessage();
    }
    flipLastByteOfEvent("p", 2);
    try (PluginFixture fixture = PluginFixture.start("PluginConfigurationTest", dir)) {
      ActorRef journal = Persistence.get(fixture.classic).journalFor(null, ConfigFactory.empty());
      TestProbe<Object> probe = fixture.probe();
      journal.tell(new ReplayMessages(1, Long.MAX_VALUE, Long.MAX_VALUE, "p", classic(probe)),
          ActorRef.noSender());
      probe.receiveMessage(); // event 1 is sound
      ReplayMessagesFailure failure =
          assertInstanceOf(ReplayMessagesFailure.class, probe.receiveMessage());
      CorruptRecordException corrupt =
          assertInstanceOf(CorruptRecordException.class, failure.cause());
      assertEquals("p", corrupt.persistenceId());
      assertEquals(2, corrupt.sequenceNr());
    }
    try (JournalStore store = JournalStore.open(JournalStoreSettings.create(dir))) {
      assertEquals(1, store.read("p", 1, 1, 1).size()); // the sound event stays readable
    }
  }

  /**
   * Flips a bit in the stored event through the RocksDB API. The key is spelled out here as the
   * store's documented layout: int32 length of the UTF-8 id, the id, int64 sequence number.
   */
  private void flipLastByteOfEvent(String pid, long sequenceNr) throws Exception {
    byte[] utf8 = pid.getBytes(StandardCharsets.UTF_8);
    byte[] key = ByteBuffer.allocate(4 + utf8.length + 8)
        .putInt(utf8.length).put(utf8).putLong(sequenceNr).array();
    List<byte[]> names;
    try (Options options = new Options()) {
      names = RocksDB.listColumnFamilies(options, dir.toString());
    }
    List<ColumnFamilyDescriptor> descriptors =
        names.stream().map(ColumnFamilyDescriptor::new).toList();
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try (DBOptions options = new DBOptions();
         RocksDB db = RocksDB.open(options, dir.toString(), descriptors, handles)) {
      ColumnFamilyHandle events = handles.get(
          names.stream().map(n -> new String(n, StandardCharsets.US_ASCII)).toList()
              .indexOf("events"));
      byte[] value = db.get(events, key);
      value[value.length - 1] ^= 1;
      db.put(events, key, value);
      handles.forEach(ColumnFamilyHandle::close);
    }
  }
}
