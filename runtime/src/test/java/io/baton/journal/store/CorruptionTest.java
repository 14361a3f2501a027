package io.baton.journal.store;

import static io.baton.journal.store.StoreTestSupport.await;
import static io.baton.journal.store.StoreTestSupport.event;
import static io.baton.journal.store.StoreTestSupport.events;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Integrity: a value changed behind the store's back (a flipped bit, a truncated write) is
 * detected by its CRC32C or its length, and the read names the damaged record instead of
 * returning it. The damage is made through the plain RocksDB API on the closed store.
 */
@Timeout(30)
class CorruptionTest {

  @TempDir Path dir;

  /** A flipped byte in event 3 fails the read at event 3, naming p and 3, after events 1..2. */
  @Test
  void aFlippedByteInAnEventIsReportedWithItsPersistenceIdAndSequenceNr() throws Exception {
    write(store -> await(store.append(events("p", 1, 5))));
    RawRocks.rewrite(dir, "events", StoreKeys.sequenceKey("p", 3), RawRocks::flipLastByte);

    try (JournalStore store = open()) {
      List<EventRecord> before = new ArrayList<>();
      CorruptRecordException e = assertThrows(CorruptRecordException.class,
          () -> store.replay("p", 1, Long.MAX_VALUE, Long.MAX_VALUE, before::add));
      assertEquals(CorruptRecordException.Kind.EVENT, e.kind());
      assertEquals("p", e.persistenceId());
      assertEquals(3, e.sequenceNr());
      assertTrue(e.getMessage().contains("event p#3"), e.getMessage());
      assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
      assertEquals(events("p", 1, 2), before);
      // The records around it stay readable.
      assertEquals(events("p", 4, 5), store.read("p", 4, 5, 10));
      assertEquals(events("p", 1, 2), store.read("p", 1, 2, 10));
    }
  }

  /** A value cut short (a torn write) is reported as truncated, not decoded. */
  @Test
  void aTruncatedEventIsReported() throws Exception {
    write(store -> await(store.append(events("p", 1, 2))));
    RawRocks.rewrite(dir, "events", StoreKeys.sequenceKey("p", 2),
        value -> Arrays.copyOf(value, value.length - 2));
    try (JournalStore store = open()) {
      CorruptRecordException e = assertThrows(CorruptRecordException.class,
          () -> store.read("p", 1, 10, 10));
      assertEquals(2, e.sequenceNr());
      assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }
  }

  /** A value shorter than the header itself is reported too. */
  @Test
  void aValueShorterThanTheHeaderIsReported() throws Exception {
    write(store -> await(store.append(events("p", 1, 1))));
    RawRocks.rewrite(dir, "events", StoreKeys.sequenceKey("p", 1),
        value -> Arrays.copyOf(value, 4));
    try (JournalStore store = open()) {
      CorruptRecordException e = assertThrows(CorruptRecordException.class,
          () -> store.read("p", 1, 10, 10));
      assertEquals(1, e.sequenceNr());
      assertTrue(e.getMessage().contains("shorter than the 9-byte header"), e.getMessage());
    }
  }

  /** A damaged snapshot fails its load, naming the snapshot. */
  @Test
  void aFlippedByteInASnapshotIsReported() throws Exception {
    write(store -> await(store.saveSnapshot(new SnapshotRecord("s", 7, 100, new byte[] {1, 2}))));
    RawRocks.rewrite(dir, "snapshots", StoreKeys.sequenceKey("s", 7), RawRocks::flipLastByte);
    try (JournalStore store = open()) {
      CorruptRecordException e = assertThrows(CorruptRecordException.class,
          () -> store.loadSnapshot("s", SnapshotCriteria.latest()));
      assertEquals(CorruptRecordException.Kind.SNAPSHOT, e.kind());
      assertEquals("s", e.persistenceId());
      assertEquals(7, e.sequenceNr());
    }
  }

  /** A damaged highest-sequence-number record is reported rather than read as a wrong number. */
  @Test
  void aFlippedByteInTheSequenceRecordIsReported() throws Exception {
    write(store -> await(store.append(List.of(event("p", 1)))));
    RawRocks.rewrite(dir, "sequences", StoreKeys.pidKey("p"), RawRocks::flipLastByte);
    try (JournalStore store = open()) {
      CorruptRecordException e = assertThrows(CorruptRecordException.class,
          () -> store.highestSequenceNr("p"));
      assertEquals(CorruptRecordException.Kind.SEQUENCE_STATE, e.kind());
      assertEquals("p", e.persistenceId());
    }
  }

  private interface StoreAction {
    void run(JournalStore store) throws Exception;
  }

  private void write(StoreAction action) throws Exception {
    try (JournalStore store = open()) {
      action.run(store);
    }
  }

  private JournalStore open() {
    return JournalStore.open(JournalStoreSettings.create(dir));
  }
}
