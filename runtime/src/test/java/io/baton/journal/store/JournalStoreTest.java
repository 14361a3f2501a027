package io.baton.journal.store;

import static io.baton.journal.store.StoreTestSupport.await;
import static io.baton.journal.store.StoreTestSupport.event;
import static io.baton.journal.store.StoreTestSupport.events;
import static io.baton.journal.store.StoreTestSupport.sequenceNrs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The store's own contract, without Pekko: ranges, deletion, snapshots, epochs. */
@Timeout(30)
class JournalStoreTest {

  @TempDir Path dir;

  private JournalStore store;

  @BeforeEach
  void open() {
    store = JournalStore.open(JournalStoreSettings.create(dir));
  }

  @AfterEach
  void close() {
    store.close();
  }

  /** Range reads honour from, to and max, in order, for one persistence id only. */
  @Test
  void rangeReadsHonourBoundsAndLimitInOrder() throws Exception {
    await(store.append(events("a", 1, 10)));
    await(store.append(events("ab", 1, 3))); // a longer id sharing a's first character
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L),
        sequenceNrs(store.read("a", 1, Long.MAX_VALUE, Long.MAX_VALUE)));
    assertEquals(List.of(3L, 4L, 5L), sequenceNrs(store.read("a", 3, 5, Long.MAX_VALUE)));
    assertEquals(List.of(3L, 4L), sequenceNrs(store.read("a", 3, 9, 2)));
    assertEquals(List.of(), store.read("a", 3, 9, 0));
    assertEquals(List.of(), store.read("a", 6, 5, 10));
    assertEquals(List.of(), store.read("a", 11, Long.MAX_VALUE, 10));
    assertEquals(events("a", 1, 2), store.read("a", 0, 2, 10));
    assertEquals(events("ab", 1, 3), store.read("ab", 0, Long.MAX_VALUE, Long.MAX_VALUE));
    assertEquals(List.of(), store.read("b", 0, Long.MAX_VALUE, Long.MAX_VALUE));
  }

  /** One append is all-or-nothing over several persistence ids and sets each one's highest. */
  @Test
  void appendSpansPersistenceIdsAndRaisesEachHighestSequenceNr() throws Exception {
    List<EventRecord> mixed = new ArrayList<>(events("x", 1, 3));
    mixed.addAll(events("y", 5, 6));
    await(store.append(mixed));
    assertEquals(3, store.highestSequenceNr("x"));
    assertEquals(6, store.highestSequenceNr("y"));
    assertEquals(0, store.highestSequenceNr("z"));
    await(store.append(List.of(event("x", 2)))); // rewriting an old number never lowers it
    assertEquals(3, store.highestSequenceNr("x"));
  }

  /** deleteTo hides events at once, keeps the highest number and spares later events. */
  @Test
  void deleteToHidesEventsButKeepsTheHighestSequenceNr() throws Exception {
    await(store.append(events("p", 1, 5)));
    await(store.deleteTo("p", 3));
    assertEquals(List.of(4L, 5L), sequenceNrs(store.read("p", 1, Long.MAX_VALUE, 100)));
    assertEquals(5, store.highestSequenceNr("p"));
    assertEquals(3, store.deletedToSequenceNr("p"));

    await(store.deleteTo("p", 2)); // less than already deleted: nothing changes
    assertEquals(3, store.deletedToSequenceNr("p"));

    await(store.deleteTo("p", Long.MAX_VALUE)); // clamped to the highest, 5
    assertEquals(List.of(), store.read("p", 1, Long.MAX_VALUE, 100));
    assertEquals(5, store.highestSequenceNr("p"));
    assertEquals(5, store.deletedToSequenceNr("p"));

    await(store.append(events("p", 6, 7))); // written after a delete-all: visible
    assertEquals(List.of(6L, 7L), sequenceNrs(store.read("p", 0, Long.MAX_VALUE, 100)));
    assertEquals(7, store.highestSequenceNr("p"));
  }

  /** Deleting a persistence id that has no events does nothing. */
  @Test
  void deleteToOfAnUnknownPersistenceIdDoesNothing() throws Exception {
    await(store.deleteTo("nobody", 10));
    assertEquals(0, store.highestSequenceNr("nobody"));
    assertEquals(0, store.deletedToSequenceNr("nobody"));
    await(store.append(events("nobody", 1, 2)));
    assertEquals(2, store.read("nobody", 1, 10, 10).size());
  }

  /** Loads pick the newest snapshot the four bounds select; deletes remove exactly those. */
  @Test
  void snapshotsAreSelectedAndDeletedByCriteria() throws Exception {
    for (int i = 1; i <= 5; i++) {
      await(store.saveSnapshot(new SnapshotRecord("s", i * 10, 1000 + i, new byte[] {(byte) i})));
    }
    assertEquals(50, store.loadSnapshot("s", SnapshotCriteria.latest()).get().sequenceNr());
    assertEquals(30, store.loadSnapshot("s", SnapshotCriteria.upTo(35, Long.MAX_VALUE)).get()
        .sequenceNr());
    assertEquals(20, store.loadSnapshot("s", SnapshotCriteria.upTo(Long.MAX_VALUE, 1002)).get()
        .sequenceNr());
    assertEquals(Optional.empty(),
        store.loadSnapshot("s", new SnapshotCriteria(45, 1005, 21, 1005)));
    assertEquals(40, store.loadSnapshot("s", new SnapshotCriteria(45, 1005, 21, 1003)).get()
        .sequenceNr());
    assertEquals(Optional.empty(), store.loadSnapshot("s", SnapshotCriteria.upTo(9, 9999)));
    assertEquals(Optional.empty(), store.loadSnapshot("t", SnapshotCriteria.latest()));
    SnapshotRecord loaded = store.loadSnapshot("s", SnapshotCriteria.upTo(10, 1001)).get();
    assertEquals(new SnapshotRecord("s", 10, 1001, new byte[] {1}), loaded);

    assertEquals(2, await(store.deleteSnapshots("s", new SnapshotCriteria(40, 1002, 0, 0))));
    assertEquals(List.of(30L, 40L, 50L), snapshotNumbers("s"));
    await(store.deleteSnapshot("s", 40));
    assertEquals(List.of(30L, 50L), snapshotNumbers("s"));
    await(store.saveSnapshot(new SnapshotRecord("s", 50, 2000, new byte[] {9})));
    assertArrayEquals(new byte[] {9},
        store.loadSnapshot("s", SnapshotCriteria.latest()).get().payload());
  }

  /** A criteria delete sees snapshots saved just before it, even in the same group commit. */
  @Test
  void criteriaDeleteSeesSnapshotsSavedBeforeIt() throws Exception {
    var saved = store.saveSnapshot(new SnapshotRecord("s", 1, 1, new byte[0]));
    var deleted = store.deleteSnapshots("s", SnapshotCriteria.latest());
    await(saved);
    assertEquals(1, await(deleted));
    assertEquals(Optional.empty(), store.loadSnapshot("s", SnapshotCriteria.latest()));
  }

  /** Epochs start at 0, only rise, and report the epoch in force. */
  @Test
  void epochsAreMonotonic() throws Exception {
    assertEquals(0, store.epoch("e"));
    assertEquals(3, await(store.raiseEpoch("e", 3)));
    assertEquals(3, await(store.raiseEpoch("e", 2)));
    assertEquals(3, store.epoch("e"));
    assertEquals(7, await(store.raiseEpoch("e", 7)));
    assertEquals(7, store.epoch("e"));
    assertEquals(0, store.epoch("other"));
    assertThrows(IllegalArgumentException.class, () -> store.raiseEpoch("e", -1));
  }

  /** Bad arguments fail at once, naming the value and what is allowed. */
  @Test
  void badArgumentsAreRefusedWithTheirValue() {
    var noPid = assertThrows(IllegalArgumentException.class, () -> event("", 1));
    assertTrue(noPid.getMessage().contains("non-empty"), noPid.getMessage());
    var zero = assertThrows(IllegalArgumentException.class, () -> event("p", 0));
    assertTrue(zero.getMessage().contains("p is 0"), zero.getMessage());
    var settings = assertThrows(IllegalArgumentException.class,
        () -> JournalStoreSettings.create(dir).withMaxGroupRequests(0));
    assertTrue(settings.getMessage().contains("maxGroupRequests is 0"), settings.getMessage());
  }

  private List<Long> snapshotNumbers(String pid) {
    List<Long> numbers = new ArrayList<>();
    long max = Long.MAX_VALUE;
    Optional<SnapshotRecord> next;
    while ((next = store.loadSnapshot(pid, SnapshotCriteria.upTo(max, Long.MAX_VALUE)))
        .isPresent()) {
      numbers.add(0, next.get().sequenceNr());
      max = next.get().sequenceNr() - 1;
    }
    return numbers;
  }
}
