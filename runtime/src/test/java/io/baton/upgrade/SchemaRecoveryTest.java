package io.baton.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.journal.store.JournalStore;
import io.baton.journal.store.JournalStoreSettings;
import io.baton.journal.store.SnapshotCriteria;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upgrade on Baton's journal, release by release on one data directory, as a shard moving
 * between old and new nodes would see it: release 2 recovers release 1's events; while the
 * cluster is mixed it writes events and snapshots release 1 recovers; once it writes its own
 * version, release 1 fails to recover with a clear error instead of misreading.
 */
@Timeout(120)
class SchemaRecoveryTest {

  private static final String ID = "ledger-a";

  @TempDir Path dir;

  @Test
  void eachReleaseRecoversEverythingWrittenWhileTheClusterWasMixed() throws Exception {
    // Release 1 alone: 3 events, no snapshot yet.
    assertEquals("6/3", run(Ledger.RELEASE_1, 0, LedgerEntity::release1, List.of(1L, 2L, 3L)));

    // Release 2 while release 1 nodes remain: recovers v1, writes 2 events and the snapshot at
    // sequence number 4 at version 1.
    assertEquals("36/5", run(Ledger.RELEASE_2, 1, LedgerEntity::release2, List.of(10L, 20L)));
    assertEquals("io.baton.upgrade.Ledger$V1$Balance#1", latestSnapshotManifest());

    // Back on release 1 (the shard moved to an old node): it reads all of it.
    assertEquals("136/6", run(Ledger.RELEASE_1, 0, LedgerEntity::release1, List.of(100L)));

    // Every node runs release 2: version 2 written, snapshot at 8 included.
    assertEquals("1336/8",
        run(Ledger.RELEASE_2, 2, LedgerEntity::release2, List.of(1000L, 200L)));
    assertEquals("io.baton.upgrade.Ledger$V2$Balance#2", latestSnapshotManifest());
    assertEquals("1336/8", run(Ledger.RELEASE_2, 2, LedgerEntity::release2, List.of()));

    // Release 1 cannot read that: its recovery fails, naming the class and version found.
    try (Release release = Release.withJournal("release1-late", Ledger.RELEASE_1, dir)) {
      TestProbe<Throwable> failures = release.kit.createTestProbe();
      release.kit.spawn(LedgerEntity.release1(ID, failures.ref()), ID);
      Throwable failure = failures.receiveMessage();
      String chain = messages(failure);
      assertTrue(chain.contains("io.baton.upgrade.Ledger$V2$Balance at schema version 2"), chain);
      assertTrue(chain.contains("reads versions 1 of it"), chain);
    }
  }

  /**
   * Starts a release on the directory with the cluster's active version ({@code active}, 0: the
   * current one), recovers the ledger, deposits, and returns "balance/deposits" as recovered
   * again after the deposits.
   */
  private String run(String config, int active,
      BiFunction<String, ActorRef<Throwable>, Behavior<LedgerEntity.Command>> entity,
      List<Long> deposits) {
    try (Release release = Release.withJournal("release", config, dir)) {
      if (active > 0) {
        release.versions().useActiveVersions((name, current) -> active);
      }
      TestProbe<Throwable> failures = release.kit.createTestProbe();
      TestProbe<Long> balances = release.kit.createTestProbe();
      TestProbe<String> states = release.kit.createTestProbe();
      ActorRef<LedgerEntity.Command> ledger = release.kit.spawn(entity.apply(ID, failures.ref()), ID);
      for (long amount : deposits) {
        ledger.tell(new LedgerEntity.Deposit(amount, balances.ref()));
        balances.receiveMessage();
      }
      ledger.tell(new LedgerEntity.Get(states.ref()));
      String state = states.receiveMessage();
      failures.expectNoMessage(java.time.Duration.ofMillis(50));
      return state;
    }
  }

  /** The manifest of the latest snapshot, read from the store's raw bytes. */
  private String latestSnapshotManifest() throws Exception {
    try (JournalStore store = JournalStore.open(JournalStoreSettings.create(dir))) {
      byte[] bytes = store.loadSnapshot(ID, SnapshotCriteria.latest()).get().payload();
      java.io.DataInputStream in = new java.io.DataInputStream(
          new java.io.ByteArrayInputStream(bytes));
      in.readByte(); // format
      int serializerId = in.readInt();
      assertEquals(1414, serializerId);
      return in.readUTF();
    }
  }

  private static String messages(Throwable failure) {
    StringBuilder chain = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      chain.append(t).append(" | ");
    }
    return chain.toString();
  }
}
