package io.baton.journal.store;

import static io.baton.journal.store.StoreTestSupport.await;
import static io.baton.journal.store.StoreTestSupport.event;
import static io.baton.journal.store.StoreTestSupport.events;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Group commit: many concurrent writers, one synced batch at a time, nothing lost or reordered. */
@Timeout(60)
class GroupCommitTest {

  private static final int THREADS = 8;
  private static final int PIDS_PER_THREAD = 4;
  private static final int EVENTS_PER_PID = 150;

  @TempDir Path dir;

  /**
   * Eight threads, each appending the events of its own four persistence ids one or two at a
   * time and waiting for each append, as persistent actors do: every event is stored, each
   * persistence id reads back complete and in order, and the writes shared synced batches.
   */
  @Test
  void concurrentAppendsAreAllStoredInOrderAndShareSyncedBatches() throws Exception {
    try (JournalStore store = JournalStore.open(JournalStoreSettings.create(dir))) {
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> workers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        workers.add(pool.submit(() -> {
          start.await();
          int appends = 0;
          for (long seq = 1; seq <= EVENTS_PER_PID; ) {
            long to = Math.min(EVENTS_PER_PID, seq + (seq % 3 == 0 ? 1 : 0)); // 1 or 2 events
            List<CompletableFuture<Void>> round = new ArrayList<>();
            for (int p = 0; p < PIDS_PER_THREAD; p++) {
              round.add(store.append(events(pid(thread, p), seq, to)).toCompletableFuture());
              appends++;
            }
            CompletableFuture.allOf(round.toArray(CompletableFuture[]::new))
                .get(10, TimeUnit.SECONDS);
            seq = to + 1;
          }
          return appends;
        }));
      }
      start.countDown();
      int appends = 0;
      for (Future<Integer> worker : workers) {
        appends += worker.get(50, TimeUnit.SECONDS);
      }
      pool.shutdown();

      for (int t = 0; t < THREADS; t++) {
        for (int p = 0; p < PIDS_PER_THREAD; p++) {
          String pid = pid(t, p);
          assertEquals(events(pid, 1, EVENTS_PER_PID),
              store.read(pid, 1, Long.MAX_VALUE, Long.MAX_VALUE), pid);
          assertEquals(EVENTS_PER_PID, store.highestSequenceNr(pid), pid);
        }
      }
      CommitStats stats = store.stats();
      assertEquals(appends, stats.requests());
      assertEquals((long) THREADS * PIDS_PER_THREAD * EVENTS_PER_PID, stats.records());
      // 32 appends are in flight at once, so groups must form: far fewer syncs than appends.
      assertTrue(stats.groups() * 2 < stats.requests(),
          "expected group commits to coalesce appends: " + stats);
      System.out.printf("group commit: %s, %.1f appends per synced batch%n",
          stats, (double) stats.requests() / stats.groups());
    }
  }

  /**
   * A request that fails while being staged (here: a corrupt sequence record) fails alone; the
   * appends queued with it in the same batch are stored.
   */
  @Test
  void aFailingRequestFailsAloneAndItsGroupIsStored() throws Exception {
    try (JournalStore store = JournalStore.open(JournalStoreSettings.create(dir))) {
      await(store.append(events("bad", 1, 1)));
    }
    RawRocks.rewrite(dir, "sequences", StoreKeys.pidKey("bad"), RawRocks::flipLastByte);
    try (JournalStore store = JournalStore.open(JournalStoreSettings.create(dir))) {
      List<CompletableFuture<Void>> good = new ArrayList<>();
      for (int i = 1; i <= 20; i++) {
        good.add(store.append(List.of(event("good", i))).toCompletableFuture());
      }
      CompletableFuture<Void> bad = store.append(List.of(event("bad", 2))).toCompletableFuture();
      for (int i = 21; i <= 40; i++) {
        good.add(store.append(List.of(event("good", i))).toCompletableFuture());
      }
      for (CompletableFuture<Void> append : good) {
        append.get(10, TimeUnit.SECONDS);
      }
      ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(
          ExecutionException.class, () -> bad.get(10, TimeUnit.SECONDS));
      CorruptRecordException corrupt =
          assertInstanceOf(CorruptRecordException.class, failure.getCause());
      assertEquals("bad", corrupt.persistenceId());
      assertEquals(events("good", 1, 40), store.read("good", 1, 100, 100));
    }
    // The failed append left nothing behind: event 2 of "bad" was rolled back with it.
    assertNull(RawRocks.get(dir, "events", StoreKeys.sequenceKey("bad", 2)));
    assertNotNull(RawRocks.get(dir, "events", StoreKeys.sequenceKey("bad", 1)));
  }

  private static String pid(int thread, int p) {
    return "entity-" + thread + "-" + p;
  }
}
