package io.baton.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.baton.journal.store.DamagedStoreException;
import io.baton.journal.store.JournalStore;
import io.baton.journal.store.JournalStoreSettings;
import io.baton.journal.store.WalCorruption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node refuses a data directory it must not serve, with one message naming it and what to do:
 * one of another cluster, and, on a lone node (no copy anywhere), one whose journal's
 * write-ahead log is damaged.
 */
@Timeout(60)
class DataDirectoryGuardTest {

  @TempDir Path dir;

  @Test
  void aDataDirectoryOfAnotherClusterIsRefused() {
    ClusterIdentity first = ClusterIdentity.recordOrCheck(dir, "blue");
    assertEquals(first, ClusterIdentity.recordOrCheck(dir, "blue"), "the same cluster again");
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> ClusterIdentity.recordOrCheck(dir, "green"));
    assertTrue(refused.getMessage().contains("belongs to cluster 'blue'"), refused.getMessage());
    assertTrue(refused.getMessage().contains("--data-dir"), refused.getMessage());
    IllegalStateException node = assertThrows(IllegalStateException.class, () -> BatonNode.start(
        NodeConfig.fromArguments(List.of("--cluster-name=green", "--port=0",
            "--data-dir=" + dir), ConfigFactory.load()), ConfigFactory.empty()));
    assertTrue(node.getMessage().contains("belongs to cluster 'blue'"), node.getMessage());
  }

  @Test
  void aLoneNodeRefusesADamagedJournalNamingTheDamage() throws Exception {
    Path journal = dir.resolve("journal");
    try (JournalStore store = JournalStore.open(JournalStoreSettings.create(journal))) {
      for (int i = 0; i < 10; i++) {
        List<io.baton.journal.store.EventRecord> events = new java.util.ArrayList<>();
        for (long seq = 1; seq <= 20; seq++) {
          events.add(new io.baton.journal.store.EventRecord("p" + i, seq, new byte[64]));
        }
        store.append(events).toCompletableFuture().get();
      }
    }
    WalCorruption.flip(journal, 256, 0.5);
    RuntimeException refused = assertThrows(RuntimeException.class, () -> BatonNode.start(
        NodeConfig.fromArguments(List.of("--port=0", "--data-dir=" + dir),
            ConfigFactory.load()), ConfigFactory.empty()));
    Throwable cause = refused;
    while (!(cause instanceof DamagedStoreException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    assertTrue(cause instanceof DamagedStoreException, String.valueOf(refused));
    assertTrue(cause.getMessage().contains(journal.toString()), cause.getMessage());
    assertTrue(cause.getMessage().contains("backup"), cause.getMessage());
  }
}
