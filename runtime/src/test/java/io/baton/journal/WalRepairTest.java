package io.baton.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.journal.replication.JournalReplication;
import io.baton.journal.store.DamagedStoreException;
import io.baton.journal.store.JournalStore;
import io.baton.journal.store.JournalStoreSettings;
import io.baton.journal.store.WalCorruption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node of three whose write-ahead log was damaged at several offsets while it was down is
 * detected at start, repaired from the other members before it serves, and then holds every
 * event that was acknowledged of the entities it held: zero acknowledged events lost, checked
 * against the acknowledgements the test recorded.
 */
@Timeout(180)
class WalRepairTest {

  @TempDir Path dir;

  @Test
  void aNodeWithADamagedLogIsRepairedFromTheOthersWithNoAcknowledgedEventLost()
      throws Exception {
    try (InProcessCluster cluster = new InProcessCluster(dir, "baton.journal.fsync = off")) {
      int a = cluster.start("a");
      int b = cluster.start("b");
      int c = cluster.start("c");
      cluster.awaitUp(3);
      Map<String, Long> acked = new HashMap<>();
      for (int node : new int[] {a, c}) {
        for (int e = 0; e < 10; e++) {
          String pid = "n" + node + "-e" + e;
          var counter = cluster.kit(node).spawn(Counter.create(pid));
          TestProbe<Counter.State> probe = cluster.kit(node).createTestProbe();
          for (int i = 1; i <= 30; i++) {
            counter.tell(new Counter.Increment(1, probe.ref()));
            probe.receiveMessage(Duration.ofSeconds(20)); // acknowledged
            acked.put(pid, (long) i);
          }
        }
      }
      // What the victim held before it went down: the events it must hold again afterwards.
      JournalStore before = cluster.replication(c).store();
      Map<String, Long> held = new HashMap<>();
      for (String pid : acked.keySet()) {
        if (before.contiguousSequenceNr(pid) > 0) {
          held.put(pid, before.contiguousSequenceNr(pid));
        }
      }
      assertTrue(held.size() >= 10, "the victim held its own entities and replicas: " + held);
      cluster.stop(c);

      Path victim = cluster.directory("c");
      WalCorruption.flip(victim, 256, 0.05, 0.4, 0.8);
      assertThrows(DamagedStoreException.class,
          () -> JournalStore.open(JournalStoreSettings.create(victim)).close(),
          "the damaged log is detected");

      int again = cluster.start("c");
      JournalReplication repaired = cluster.replication(again);
      repaired.integrity().toCompletableFuture().get(90, TimeUnit.SECONDS);
      String integrity = repaired.status().integrity();
      assertTrue(integrity.startsWith("repaired"), integrity);
      assertTrue(!integrity.contains("events copied 0)"), "something was repaired: " + integrity);
      JournalStore after = repaired.store();
      assertTrue(after.damage().isEmpty());
      for (Map.Entry<String, Long> entity : held.entrySet()) {
        long expected = acked.get(entity.getKey());
        assertTrue(after.contiguousSequenceNr(entity.getKey()) >= expected,
            entity.getKey() + ": " + after.contiguousSequenceNr(entity.getKey()) + " of "
                + expected + " acknowledged events after the repair");
      }
      // And an entity of the victim recovers every acknowledged event on it.
      var counter = cluster.kit(again).spawn(Counter.create("n" + c + "-e0"));
      TestProbe<Counter.State> probe = cluster.kit(again).createTestProbe();
      counter.tell(new Counter.Get(probe.ref()));
      assertEquals(30, probe.receiveMessage(Duration.ofSeconds(30)).total());
    }
  }
}
