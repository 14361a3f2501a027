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
    assertEquals(new LoadPlan(5, Duration.ofMinutes(2), 40, true),
        LoadPlan.parse(List.of("--nodes=5", "--duration", "2m", "--rate", "40", "--kill")));
    assertEquals(new LoadPlan(3, Duration.ofSeconds(60), 0, false), LoadPlan.parse(List.of()));
    assertEquals(Duration.ofSeconds(90), LoadPlan.parse(List.of("--duration=90")).duration());
  }

  /** The demo kills after 4 s and restarts 12 s later; a long run kills at a fifth, restarts half-way. */
  @Test
  void killAndRestartComeInOrderWithinTheRun() {
    assertEquals(Duration.ofSeconds(4), LoadPlan.DEMO.killAfter());
    assertEquals(Duration.ofSeconds(16), LoadPlan.DEMO.restartAfter());
    LoadPlan hour = new LoadPlan(4, Duration.ofMinutes(10), 10, true);
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
    assertEquals(new LoadPlan(3, Duration.ofSeconds(60), 0, false, true),
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
        () -> LoadPlan.parse(List.of("--rate=-1"))).getMessage().contains("--rate=-1"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> LoadPlan.parse(List.of("--nodes"))).getMessage().contains("--nodes needs a value"));
    assertEquals(2, new LoadPlan(1, Duration.ofSeconds(5), 1, false).workers());
    assertEquals(20, new LoadPlan(1, Duration.ofSeconds(5), 100, false).workers());
  }
}
