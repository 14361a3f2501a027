package io.baton.journal;

import static io.baton.journal.PluginFixture.classic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.DeleteSnapshotSuccess;
import org.apache.pekko.persistence.DeleteSnapshotsSuccess;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.SaveSnapshotSuccess;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotProtocol.DeleteSnapshot;
import org.apache.pekko.persistence.SnapshotProtocol.DeleteSnapshots;
import org.apache.pekko.persistence.SnapshotProtocol.LoadSnapshot;
import org.apache.pekko.persistence.SnapshotProtocol.LoadSnapshotResult;
import org.apache.pekko.persistence.SnapshotProtocol.SaveSnapshot;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import scala.Option;

/**
 * Pekko's snapshot-store plugin TCK ({@code persistence-tck} {@code SnapshotStoreSpec}), case by
 * case, driving {@link BatonSnapshotStore} through {@code SnapshotProtocol} messages. Each test
 * starts with snapshots "s-1".."s-5" at sequence numbers 11..15 of a fresh persistence id, on a
 * fresh data directory. Both optional cases (serialization, metadata) are supported and run.
 */
@Timeout(30)
class SnapshotStoreContractTest {

  private static final long MAX = Long.MAX_VALUE;

  @TempDir Path dir;

  private PluginFixture fixture;
  private ActorRef snapshotStore;
  private TestProbe<Object> sender;
  private final String pid = "p-1";
  /** As saved (with the store's timestamps): index i holds "s-(i+1)" at sequence nr i + 11. */
  private final List<SnapshotMetadata> metadata = new ArrayList<>();

  @BeforeEach
  void writeSnapshots() {
    fixture = PluginFixture.start("SnapshotStoreContractTest", dir);
    snapshotStore =
        Persistence.get(fixture.classic).snapshotStoreFor(null, ConfigFactory.empty());
    sender = fixture.probe();
    for (int i = 1; i <= 5; i++) {
      tell(new SaveSnapshot(new SnapshotMetadata(pid, i + 10, 0L), "s-" + i));
      metadata.add(assertInstanceOf(SaveSnapshotSuccess.class, sender.receiveMessage())
          .metadata());
    }
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  // ------------------------------------------------------------- "A snapshot store must ..."

  /** A persistence id without snapshots loads none. */
  @Test
  void doesNotLoadASnapshotGivenAnInvalidPersistenceId() {
    tell(new LoadSnapshot("invalid", SnapshotSelectionCriteria.latest(), MAX));
    sender.expectMessage(new LoadSnapshotResult(Option.empty(), MAX));
  }

  /** A timestamp bound earlier than every snapshot selects none. */
  @Test
  void doesNotLoadASnapshotGivenNonMatchingTimestampCriteria() {
    tell(new LoadSnapshot(pid, SnapshotSelectionCriteria.latest().copy(MAX, 100, 0, 0), MAX));
    sender.expectMessage(new LoadSnapshotResult(Option.empty(), MAX));
  }

  /** A sequence number bound (in the criteria or as toSequenceNr) below every snapshot. */
  @Test
  void doesNotLoadASnapshotGivenNonMatchingSequenceNumberCriteria() {
    tell(new LoadSnapshot(pid, SnapshotSelectionCriteria.create(7, MAX), MAX));
    sender.expectMessage(new LoadSnapshotResult(Option.empty(), MAX));
    tell(new LoadSnapshot(pid, SnapshotSelectionCriteria.latest(), 7));
    sender.expectMessage(new LoadSnapshotResult(Option.empty(), 7));
  }

  /** Without bounds the newest snapshot is loaded. */
  @Test
  void loadsTheMostRecentSnapshot() {
    tell(new LoadSnapshot(pid, SnapshotSelectionCriteria.latest(), MAX));
    sender.expectMessage(new LoadSnapshotResult(selected(4, "s-5"), MAX));
  }

  /** The newest snapshot at or below a sequence number bound is loaded. */
  @Test
  void loadsTheMostRecentSnapshotMatchingAnUpperSequenceNumberBound() {
    tell(new LoadSnapshot(pid, SnapshotSelectionCriteria.create(13, MAX), MAX));
    sender.expectMessage(new LoadSnapshotResult(selected(2, "s-3"), MAX));
    tell(new LoadSnapshot(pid, SnapshotSelectionCriteria.latest(), 13));
    sender.expectMessage(new LoadSnapshotResult(selected(2, "s-3"), 13));
  }

  /** Sequence number and timestamp bounds together. */
  @Test
  void loadsTheMostRecentSnapshotMatchingUpperSequenceNumberAndTimestampBounds() {
    long timestamp = metadata.get(2).timestamp();
    tell(new LoadSnapshot(pid, SnapshotSelectionCriteria.create(13, timestamp), MAX));
    sender.expectMessage(new LoadSnapshotResult(selected(2, "s-3"), MAX));
    tell(new LoadSnapshot(pid,
        SnapshotSelectionCriteria.latest().copy(MAX, timestamp, 0, 0), 13));
    sender.expectMessage(new LoadSnapshotResult(selected(2, "s-3"), 13));
  }

  /** One snapshot is deleted by sequence number (timestamp 0: any); older ones remain. */
  @Test
  void deletesASingleSnapshotIdentifiedBySequenceNrInSnapshotMetadata() {
    SnapshotMetadata md = withTimestamp(metadata.get(2), 0L);
    DeleteSnapshot cmd = new DeleteSnapshot(md);
    TestProbe<Object> subscriber = fixture.probe();
    fixture.classic.getEventStream().subscribe(classic(subscriber), DeleteSnapshot.class);
    tell(cmd);
    subscriber.expectMessage(cmd);
    sender.expectMessage(new DeleteSnapshotSuccess(md));

    tell(new LoadSnapshot(pid, SnapshotSelectionCriteria.create(md.sequenceNr(), MAX), MAX));
    sender.expectMessage(new LoadSnapshotResult(selected(1, "s-2"), MAX));
  }

  /** Deleting by criteria removes every selected snapshot and keeps the others. */
  @Test
  void deletesAllSnapshotsMatchingUpperSequenceNumberAndTimestampBounds() {
    SnapshotMetadata md = metadata.get(2);
    SnapshotSelectionCriteria criteria =
        SnapshotSelectionCriteria.create(md.sequenceNr(), md.timestamp());
    DeleteSnapshots cmd = new DeleteSnapshots(pid, criteria);
    TestProbe<Object> subscriber = fixture.probe();
    fixture.classic.getEventStream().subscribe(classic(subscriber), DeleteSnapshots.class);
    tell(cmd);
    subscriber.expectMessage(cmd);
    sender.expectMessage(new DeleteSnapshotsSuccess(criteria));

    tell(new LoadSnapshot(pid,
        SnapshotSelectionCriteria.create(md.sequenceNr(), md.timestamp()), MAX));
    sender.expectMessage(new LoadSnapshotResult(Option.empty(), MAX));
    SnapshotMetadata next = metadata.get(3);
    tell(new LoadSnapshot(pid,
        SnapshotSelectionCriteria.create(next.sequenceNr(), next.timestamp()), MAX));
    sender.expectMessage(new LoadSnapshotResult(selected(3, "s-4"), MAX));
  }

  /** A timestamp bound just below a snapshot's timestamp spares it. */
  @Test
  void doesNotDeleteSnapshotsWithNonMatchingUpperTimestampBounds() {
    SnapshotMetadata md = metadata.get(3);
    SnapshotSelectionCriteria criteria =
        SnapshotSelectionCriteria.create(md.sequenceNr(), md.timestamp() - 1);
    DeleteSnapshots cmd = new DeleteSnapshots(pid, criteria);
    TestProbe<Object> subscriber = fixture.probe();
    fixture.classic.getEventStream().subscribe(classic(subscriber), DeleteSnapshots.class);
    tell(cmd);
    subscriber.expectMessage(cmd);
    sender.expectMessage(new DeleteSnapshotsSuccess(criteria));

    tell(new LoadSnapshot(pid,
        SnapshotSelectionCriteria.create(md.sequenceNr(), md.timestamp()), MAX));
    sender.expectMessage(new LoadSnapshotResult(selected(3, "s-4"), MAX));
  }

  /** A second save at the same sequence number replaces the first. */
  @Test
  void savesAndOverwritesSnapshotWithSameSequenceNumber() {
    SnapshotMetadata md = metadata.get(4);
    tell(new SaveSnapshot(md, "s-5-modified"));
    SnapshotMetadata md2 =
        assertInstanceOf(SaveSnapshotSuccess.class, sender.receiveMessage()).metadata();
    assertEquals(md.sequenceNr(), md2.sequenceNr());
    tell(new LoadSnapshot(pid, SnapshotSelectionCriteria.create(md.sequenceNr(), MAX), MAX));
    LoadSnapshotResult result =
        assertInstanceOf(LoadSnapshotResult.class, sender.receiveMessage());
    assertEquals("s-5-modified", result.snapshot().get().snapshot());
    assertEquals(md.sequenceNr(), result.snapshot().get().metadata().sequenceNr());
  }

  /** A 10,000-byte snapshot (the TCK's size limit) is saved. */
  @Test
  void savesBiggerSizeSnapshot() {
    tell(new SaveSnapshot(new SnapshotMetadata(pid, 100, 0L), "0".repeat(10_000)));
    assertInstanceOf(SaveSnapshotSuccess.class, sender.receiveMessage());
    tell(new LoadSnapshot(pid, SnapshotSelectionCriteria.latest(), MAX));
    LoadSnapshotResult result =
        assertInstanceOf(LoadSnapshotResult.class, sender.receiveMessage());
    assertEquals("0".repeat(10_000), result.snapshot().get().snapshot());
  }

  // ------------------------------------------------ "A snapshot store optionally may ..."

  /** Snapshots go through Pekko serialization, with transport information. */
  @Test
  void serializesSnapshots() {
    TestProbe<Object> probe = fixture.probe();
    TestPayload snapshot = new TestPayload(classic(probe));
    tell(new SaveSnapshot(new SnapshotMetadata(pid, 100, 0L), snapshot));
    assertInstanceOf(SaveSnapshotSuccess.class, sender.receiveMessage());

    tell(new LoadSnapshot(pid, SnapshotSelectionCriteria.latest(), MAX));
    LoadSnapshotResult result =
        assertInstanceOf(LoadSnapshotResult.class, sender.receiveMessage());
    assertEquals(MAX, result.toSequenceNr());
    assertEquals(pid, result.snapshot().get().metadata().persistenceId());
    assertEquals(100, result.snapshot().get().metadata().sequenceNr());
    assertEquals(snapshot, result.snapshot().get().snapshot());
  }

  /** Snapshot metadata (used by replicated event sourcing) is stored and loaded. */
  @Test
  void storesMetadata() {
    String fictionalMeta = "fictional metadata";
    tell(new SaveSnapshot(new SnapshotMetadata(pid, 100, 0L).withMetadata(fictionalMeta),
        "snap"));
    assertInstanceOf(SaveSnapshotSuccess.class, sender.receiveMessage());

    tell(new LoadSnapshot(pid, SnapshotSelectionCriteria.latest(), MAX));
    LoadSnapshotResult result =
        assertInstanceOf(LoadSnapshotResult.class, sender.receiveMessage());
    SelectedSnapshot loaded = result.snapshot().get();
    assertEquals("snap", loaded.snapshot());
    assertEquals(100, loaded.metadata().sequenceNr());
    assertEquals(Option.apply(fictionalMeta), loaded.metadata().metadata());
  }

  // ------------------------------------------------------------------------------ helpers

  private void tell(Object message) {
    snapshotStore.tell(message, classic(sender));
  }

  private Option<SelectedSnapshot> selected(int index, String snapshot) {
    return Option.apply(SelectedSnapshot.create(metadata.get(index), snapshot));
  }

  private static SnapshotMetadata withTimestamp(SnapshotMetadata md, long timestamp) {
    return new SnapshotMetadata(md.persistenceId(), md.sequenceNr(), timestamp);
  }
}
