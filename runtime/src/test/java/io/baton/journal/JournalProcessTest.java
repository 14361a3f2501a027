package io.baton.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.cluster.testkit.LocalCluster;
import io.baton.journal.store.Damage;
import io.baton.journal.store.DamagedStoreException;
import io.baton.journal.store.JournalStore;
import io.baton.journal.store.JournalStoreSettings;
import io.baton.journal.store.WalCorruption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The journal's promises with real JVMs on 127.0.0.1, killed with SIGKILL, frozen with SIGSTOP:
 * acknowledged events survive the owner's death on its successor; a taken-over owner cannot write
 * again; a replica that was down is caught up byte for byte; a damaged event is repaired.
 */
@Timeout(240)
class JournalProcessTest {

  private static final Duration START = Duration.ofSeconds(90);
  private static final Duration LONG = Duration.ofSeconds(60);
  private static final Pattern ACKED = Pattern.compile("ACKED acct (\\d+)");

  private static LocalCluster threeNodes() {
    LocalCluster cluster = LocalCluster.builder(JournalNodeMain.class).nodes(3).start();
    cluster.awaitAllUp(START);
    return cluster;
  }

  /** Waits until a restarted node is Up again in its own view and in every other node's. */
  private static void awaitRejoined(LocalCluster cluster, String node) {
    cluster.awaitLine(node, "SELF-UP .*", START);
    for (String other : cluster.nodes()) {
      if (!other.equals(node)) {
        cluster.awaitLine(other, cluster.memberLine("MEMBER-UP", node), START);
      }
    }
  }

  /** The node that holds node1's replicas now. */
  private static String successorOfNode1(LocalCluster cluster) {
    cluster.send("node1", "replicas");
    String line = cluster.awaitLine("node1", "REPLICAS .*", LONG);
    String address = line.substring(line.indexOf("REPLICAS ") + 9).split(",")[0].trim();
    for (String node : cluster.nodes()) {
      if (cluster.address(node).equals(address)) {
        return node;
      }
    }
    throw new AssertionError("no node has address " + address);
  }

  private static long lastAcked(LocalCluster cluster, String node) {
    long last = 0;
    for (String line : cluster.output(node)) {
      Matcher m = ACKED.matcher(line);
      if (m.find()) {
        last = Math.max(last, Long.parseLong(m.group(1)));
      }
    }
    return last;
  }

  private static long recoveredEvents(LocalCluster cluster, String node) {
    cluster.send(node, "get acct");
    String state = cluster.awaitLine(node, "STATE acct \\d+ \\d+", LONG);
    String[] words = state.substring(state.indexOf("STATE")).split(" ");
    assertEquals(words[2], words[3], "each event adds 1: events and total must agree");
    return Long.parseLong(words[2]);
  }

  private static String digest(LocalCluster cluster, String node) {
    cluster.send(node, "digest acct");
    String line = cluster.awaitLine(node, "DIGEST acct .*", LONG);
    return line.substring(line.indexOf("DIGEST"));
  }

  /** The pause between two polls of a condition that has no event to wait on. */
  private static void pollInterval() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  @Test
  void everyEventAcknowledgedBeforeTheOwnerIsKilledRecoversOnItsSuccessor() {
    try (LocalCluster cluster = threeNodes()) {
      String successor = successorOfNode1(cluster);
      cluster.send("node1", "persist acct 400");
      cluster.awaitLine("node1", "ACKED acct 150", LONG);
      cluster.kill9("node1");
      long acknowledged = lastAcked(cluster, "node1");
      long recovered = recoveredEvents(cluster, successor);
      assertTrue(recovered >= acknowledged,
          "acknowledged " + acknowledged + " events, the successor recovered " + recovered);
    }
  }

  @Test
  void anOwnerFrozenAndTakenOverCannotGetAWriteAcknowledgedAfterItWakes() {
    try (LocalCluster cluster = threeNodes()) {
      String successor = successorOfNode1(cluster);
      cluster.send("node1", "persist acct 20");
      cluster.awaitLine("node1", "PERSIST-DONE acct", LONG);
      cluster.freeze("node1");
      cluster.awaitLine(successor, "REMOVED " + Pattern.quote(cluster.address("node1")), LONG);
      assertEquals(20, recoveredEvents(cluster, successor));
      cluster.thaw("node1");
      cluster.send("node1", "persist acct 1");
      cluster.awaitLine("node1", "FAILED acct|TERMINATED.*", LONG);
      assertEquals(20, lastAcked(cluster, "node1"), "the stale owner got a write acknowledged");
      // The new owner goes on from where the acknowledged history ends.
      cluster.send(successor, "persist acct 1");
      cluster.awaitLine(successor, "ACKED acct 21", LONG);
    }
  }

  @Test
  void aReplicaThatWasDownIsCaughtUpAndEndsByteIdenticalToTheOwner() {
    try (LocalCluster cluster = threeNodes()) {
      String successor = successorOfNode1(cluster);
      cluster.send("node1", "persist acct 50");
      cluster.awaitLine("node1", "PERSIST-DONE acct", LONG);
      cluster.kill9(successor);
      cluster.awaitLine("node1", "REMOVED " + Pattern.quote(cluster.address(successor)), LONG);
      cluster.send("node1", "persist acct 50");
      cluster.awaitLine("node1", "PERSIST-DONE acct", LONG);
      cluster.restart(successor);
      awaitRejoined(cluster, successor);
      String owner = digest(cluster, "node1");
      assertTrue(owner.startsWith("DIGEST acct 100 "), owner);
      // Catch-up runs in the background: poll the replica's digest until it matches, or time out.
      long deadline = System.nanoTime() + LONG.toNanos();
      String replica = digest(cluster, successor);
      while (!replica.equals(owner) && System.nanoTime() < deadline) {
        pollInterval();
        replica = digest(cluster, successor);
      }
      assertEquals(owner, replica);
    }
  }

  @Test
  void aDamagedEventIsDetectedAndRepairedFromAReplica() throws Exception {
    try (LocalCluster cluster = threeNodes()) {
      cluster.send("node1", "persist acct 30");
      cluster.awaitLine("node1", "PERSIST-DONE acct", LONG);
      String successor = successorOfNode1(cluster);
      cluster.kill9("node1");
      Damage.flipEvent(cluster.dataDir("node1").resolve("journal"), "acct", 7);
      cluster.restart("node1");
      awaitRejoined(cluster, "node1");
      assertEquals(30, recoveredEvents(cluster, "node1"));
      assertEquals(digest(cluster, successor), digest(cluster, "node1"));
    }
  }

  /**
   * Multi-process: a node of three killed with SIGKILL, its write-ahead log then damaged at three
   * offsets (a failing disk), is detected at start, repaired from the others before it serves, and
   * answers every event it had acknowledged: zero acknowledged events lost, checked against the
   * ACKED lines it printed before the kill.
   */
  @Test
  void aKilledNodeWhoseLogIsDamagedIsRepairedFromTheOthersWithNoAcknowledgedEventLost()
      throws Exception {
    try (LocalCluster cluster = threeNodes()) {
      List<String> counters = List.of("wal-1", "wal-2", "wal-3", "wal-4", "wal-5");
      for (String pid : counters) {
        cluster.send("node3", "persist " + pid + " 25");
      }
      for (String pid : counters) {
        cluster.awaitLine("node3", "PERSIST-DONE " + pid, LONG);
      }
      Map<String, Long> acked = new HashMap<>();
      Pattern ack = Pattern.compile("ACKED (wal-\\d) (\\d+)");
      for (String line : cluster.output("node3")) {
        Matcher m = ack.matcher(line);
        if (m.find()) {
          acked.merge(m.group(1), Long.parseLong(m.group(2)), Math::max);
        }
      }
      assertEquals(counters.size(), acked.size(), "acknowledgements: " + acked);
      cluster.kill9("node3");

      Path journal = cluster.dataDir("node3").resolve("journal");
      WalCorruption.flip(journal, 256, 0.05, 0.4, 0.8);
      assertThrows(DamagedStoreException.class,
          () -> JournalStore.open(JournalStoreSettings.create(journal)).close(),
          "the damaged log is detected");

      cluster.restart("node3");
      awaitRejoined(cluster, "node3");
      cluster.send("node3", "integrity");
      String integrity = cluster.awaitLine("node3", "^INTEGRITY.*", LONG);
      assertTrue(integrity.startsWith("INTEGRITY repaired"), integrity);
      for (String pid : counters) {
        cluster.send("node3", "get " + pid);
        String state = cluster.awaitLine("node3", "^STATE " + pid + " .*", LONG);
        long events = Long.parseLong(state.split(" ")[2]);
        assertTrue(events >= acked.get(pid), pid + ": " + events + " events after the repair, "
            + acked.get(pid) + " acknowledged before the kill (" + integrity + ")");
      }
    }
  }
}
