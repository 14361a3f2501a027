package io.baton.journal.store;

import static io.baton.journal.store.StoreTestSupport.await;
import static io.baton.journal.store.StoreTestSupport.events;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Open, close and reopen: durability, the directory lock, clear errors, sharing. */
@Timeout(30)
class StoreLifecycleTest {

  @TempDir Path dir;

  /** Everything acknowledged before close is there after reopening: events, deletes, etc. */
  @Test
  void acknowledgedWritesSurviveCloseAndReopen() throws Exception {
    try (JournalStore store = open(dir)) {
      await(store.append(events("p", 1, 10)));
      await(store.deleteTo("p", 4));
      await(store.saveSnapshot(new SnapshotRecord("p", 8, 42, new byte[] {8})));
      await(store.raiseEpoch("p", 5));
    }
    try (JournalStore store = open(dir)) {
      assertEquals(events("p", 5, 10), store.read("p", 0, Long.MAX_VALUE, Long.MAX_VALUE));
      assertEquals(10, store.highestSequenceNr("p"));
      assertEquals(4, store.deletedToSequenceNr("p"));
      assertEquals(new SnapshotRecord("p", 8, 42, new byte[] {8}),
          store.loadSnapshot("p", SnapshotCriteria.latest()).get());
      assertEquals(5, store.epoch("p"));
    }
  }

  /** close commits the appends submitted before it; later calls fail clearly. */
  @Test
  void closeCommitsPendingWritesThenRefusesMore() throws Exception {
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    JournalStore store = open(dir);
    for (int i = 1; i <= 50; i++) {
      pending.add(store.append(events("p", i, i)).toCompletableFuture());
    }
    store.close();
    for (CompletableFuture<Void> append : pending) {
      assertTrue(append.isDone() && !append.isCompletedExceptionally());
    }
    ExecutionException late = assertThrows(ExecutionException.class,
        () -> store.append(events("p", 51, 51)).toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertTrue(late.getCause().getMessage().contains("is closed"), late.getMessage());
    JournalStoreException read =
        assertThrows(JournalStoreException.class, () -> store.highestSequenceNr("p"));
    assertTrue(read.getMessage().contains("is closed"), read.getMessage());
    store.close(); // idempotent
    try (JournalStore reopened = open(dir)) {
      assertEquals(50, reopened.highestSequenceNr("p"));
    }
  }

  /** A second open of a held directory fails with a message naming it and what to do. */
  @Test
  void aLockedDirectoryIsRefusedClearly() {
    try (JournalStore holder = open(dir)) {
      JournalStoreException e = assertThrows(JournalStoreException.class, () -> open(dir));
      assertTrue(e.getMessage().contains("is locked"), e.getMessage());
      assertTrue(e.getMessage().contains(holder.directory().toString()), e.getMessage());
    }
  }

  /** A path that is a file, not a directory, is refused clearly. */
  @Test
  void aFileInsteadOfADirectoryIsRefusedClearly() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    JournalStoreException e = assertThrows(JournalStoreException.class, () -> open(file));
    assertTrue(e.getMessage().contains("is not a directory"), e.getMessage());
  }

  /** A directory that cannot be created (its parent is a file) is refused clearly. */
  @Test
  void aDirectoryThatCannotBeCreatedIsRefusedClearly() throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "x");
    JournalStoreException e =
        assertThrows(JournalStoreException.class, () -> open(file.resolve("sub")));
    assertTrue(e.getMessage().contains("cannot create"), e.getMessage());
  }

  /** The registry shares one store per directory and closes it with the last lease. */
  @Test
  void theRegistrySharesOneStorePerDirectory() throws Exception {
    JournalStoreSettings settings = JournalStoreSettings.create(dir);
    JournalStoreRegistry.Lease first = JournalStoreRegistry.acquire(settings);
    JournalStoreRegistry.Lease second =
        JournalStoreRegistry.acquire(settings.withDirectory(dir.resolve("x/..")));
    assertSame(first.store(), second.store());
    IllegalStateException mismatch = assertThrows(IllegalStateException.class,
        () -> JournalStoreRegistry.acquire(settings.withFsync(false)));
    assertTrue(mismatch.getMessage().contains("same settings"), mismatch.getMessage());
    await(first.store().append(events("p", 1, 1)));
    first.close();
    first.close(); // idempotent: does not release the second lease
    assertEquals(1, second.store().highestSequenceNr("p"));
    second.close();
    JournalStoreException closed = assertThrows(JournalStoreException.class,
        () -> second.store().highestSequenceNr("p"));
    assertInstanceOf(JournalStoreException.class, closed);
    try (JournalStore store = open(dir)) { // the lock was released
      assertEquals(1, store.highestSequenceNr("p"));
    }
  }

  private static JournalStore open(Path dir) {
    return JournalStore.open(JournalStoreSettings.create(dir));
  }
}
