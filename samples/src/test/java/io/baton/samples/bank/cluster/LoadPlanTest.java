package io.baton.samples.bank.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** bank-load's flags, and when a plan kills and restarts its node. */
@Timeout(10)
class LoadPlanTest {

  /** Flags in both spellings; unnamed ones keep their defaults and no node is killed. */
  @Test
  void flagsAreReadWithOrWithoutEqualsSign() {
    assertEquals(new LoadPlan(5, Duration.ofMinutes(2), 40, 15, 1, false),
        LoadPlan.parse(List.of("--nodes=5", "--duration", "2m", "--rate", "40",
            "--account-rate=15", "--kill")));
    assertEquals(new LoadPlan(3, Duration.ofSeconds(60), 8, 4, 0, false),
        LoadPlan.parse(List.of()));
    assertEquals(Duration.ofSeconds(90), LoadPlan.parse(List.of("--duration=90")).duration());
    assertEquals(25, LoadPlan.parse(List.of("--transfer-rate=25")).transferRate());
  }

  /** --kill is the oldest node, node1; another node is named. */
  @Test
  void killTargetsTheOldestNodeUnlessANodeIsNamed() {
    assertEquals(1, LoadPlan.parse(List.of("--kill")).kill());
    assertEquals(3, LoadPlan.parse(List.of("--kill=node3")).kill());
    assertEquals(2, LoadPlan.parse(List.of("--kill=2")).kill());
    assertEquals(1, LoadPlan.DEMO.kill());
    assertFalse(LoadPlan.parse(List.of()).kills());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> LoadPlan.parse(List.of("--kill=node4"))).getMessage()
        .contains("--kill=node4 is not a node of the run"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> LoadPlan.parse(List.of("--kill=oldest"))).getMessage()
        .contains("--kill=oldest is not a node"));
    // node0 would silently kill nothing.
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> LoadPlan.parse(List.of("--kill=node0"))).getMessage()
        .contains("--kill=node0 is not a node"));
  }

  /** The demo kills after 10 s and restarts 12 s later; a long run kills at a fifth, restarts half-way. */
  @Test
  void killAndRestartComeInOrderWithinTheRun() {
    assertEquals(Duration.ofSeconds(10), LoadPlan.DEMO.killAfter());
    assertEquals(Duration.ofSeconds(22), LoadPlan.DEMO.restartAfter());
    LoadPlan hour = new LoadPlan(4, Duration.ofMinutes(10), 10, 5, 4, false);
    assertEquals(Duration.ofMinutes(2), hour.killAfter());
    assertEquals(Duration.ofMinutes(5), hour.restartAfter());
    assertTrue(hour.killAfter().compareTo(hour.restartAfter()) < 0);
  }

  /** The README demo upgrades; bank-load upgrades only when asked; one node cannot be drained. */
  @Test
  void upgradeIsTheDemosAndAFlagOfBankLoad() {
    assertTrue(LoadPlan.DEMO.upgrade());
    assertFalse(LoadPlan.DEMO.withUpgrade(false).upgrade());
    assertFalse(LoadPlan.parse(List.of("--kill")).upgrade());
    assertEquals(new LoadPlan(3, Duration.ofSeconds(60), 8, 4, 0, true),
        LoadPlan.parse(List.of("--upgrade")));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> LoadPlan.parse(List.of("--nodes=1", "--upgrade"))).getMessage()
        .contains("--upgrade needs at least 2 nodes"));
  }

  /** A bad value names the flag, the value and what is allowed. */
  @Test
  void badValuesAreRefusedWithTheFlagAndWhatIsAllowed() {
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> LoadPlan.parse(List.of("--duration=soon"))).getMessage()
        .contains("--duration=soon is not a duration"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> LoadPlan.parse(List.of("--rate=0"))).getMessage()
        .contains("--transfer-rate=0.0, --account-rate=4.0: both must be positive"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> LoadPlan.parse(List.of("--rate=fast"))).getMessage().contains("--rate=fast"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> LoadPlan.parse(List.of("--nodes"))).getMessage().contains("--nodes needs a value"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> LoadPlan.parse(List.of("--nodes=2", "--kill"))).getMessage()
        .contains("--kill needs at least 3 nodes"));
  }
}
