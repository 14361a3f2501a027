package io.baton.journal.store;

import static io.baton.journal.store.StoreTestSupport.await;
import static io.baton.journal.store.StoreTestSupport.events;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A corrupt write-ahead log is never opened in silence: wherever the damage is, the store refuses
 * to open, naming the directory and what to do; opened for repair, it keeps the intact prefix and
 * stays marked damaged until the repair is done.
 */
@Timeout(60)
class WalRecoveryTest {

  @TempDir Path dir;

  @ParameterizedTest(name = "damage at {0} of the log")
  @ValueSource(doubles = {0.02, 0.5, 0.95})
  void aCorruptLogRefusesToOpenAndOpensForRepairOnlyMarkedDamaged(double at) throws Exception {
    try (JournalStore store = JournalStore.open(JournalStoreSettings.create(dir))) {
      for (int i = 0; i < 20; i++) {
        await(store.append(events("p" + i, 1, 20)));
      }
    }
    WalCorruption.flip(dir, 256, at);

    DamagedStoreException refused = assertThrows(DamagedStoreException.class,
        () -> JournalStore.open(JournalStoreSettings.create(dir)));
    assertTrue(refused.getMessage().contains(dir.toRealPath().toString())
        || refused.getMessage().contains(dir.toString()), refused.getMessage());
    assertTrue(refused.getMessage().contains("write-ahead log"), refused.getMessage());
    assertTrue(refused.getMessage().contains("backup"), refused.getMessage());

    try (JournalStore store = JournalStore.open(
        JournalStoreSettings.create(dir).withRepairDamagedLog(true))) {
      assertTrue(store.damage().isPresent(), "marked damaged");
      long held = 0;
      for (int i = 0; i < 20; i++) {
        held += store.contiguousSequenceNr("p" + i);
      }
      assertTrue(held < 400, "the damage lost events (" + held + " of 400 kept)");
      store.markRepaired();
    }
    try (JournalStore store = JournalStore.open(JournalStoreSettings.create(dir))) {
      assertTrue(store.damage().isEmpty(), "repaired");
      assertEquals(store.persistenceIds("", 1000).size(), store.persistenceIds("", 1000).size());
    }
  }
}
