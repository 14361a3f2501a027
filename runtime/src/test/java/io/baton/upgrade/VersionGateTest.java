package io.baton.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The version gate's decisions, called directly. */
@Timeout(10)
class VersionGateTest {

  /** Current 3, writes 2 to 3. */
  static final ClassSchema V3 = new ClassSchema("com.x.Event", 3, 1, 2, Optional.empty());

  @Test
  void aClassIsActiveAtTheLowestVersionTheLiveMembersRead() {
    Map<String, Integer> active = VersionGate.decide(List.of(
        Map.of("com.x.Event", 3, "com.x.State", 2),
        Map.of("com.x.Event", 2, "com.x.State", 2)), true, Map.of());
    assertEquals(Map.of("com.x.Event", 2, "com.x.State", 2), active);
  }

  @Test
  void aMemberThatDoesNotReportAClassIsTakenToReadVersion1() {
    Map<String, Integer> active = VersionGate.decide(List.of(
        Map.of("com.x.Event", 3), Map.of()), true, Map.of());
    assertEquals(Map.of("com.x.Event", 1), active);
  }

  @Test
  void nothingAdvancesWhileSomeLiveMemberHasNotReported() {
    Map<String, Integer> previous = Map.of("com.x.Event", 2);
    assertEquals(previous, VersionGate.decide(
        List.of(Map.of("com.x.Event", 3)), false, previous));
    assertEquals(Map.of(), VersionGate.decide(List.of(Map.of("com.x.Event", 3)), false, Map.of()));
  }

  @Test
  void activeVersionsAdvanceWhenTheLastOldMemberIsGoneAndNeverGoDown() {
    Map<String, Integer> mixed = VersionGate.decide(List.of(
        Map.of("com.x.Event", 3), Map.of("com.x.Event", 2)), true, Map.of());
    assertEquals(2, mixed.get("com.x.Event"));
    Map<String, Integer> upgraded = VersionGate.decide(List.of(
        Map.of("com.x.Event", 3), Map.of("com.x.Event", 3)), true, mixed);
    assertEquals(3, upgraded.get("com.x.Event"));
    // An older report afterwards (a node that should have been refused) does not pull it back.
    Map<String, Integer> after = VersionGate.decide(List.of(
        Map.of("com.x.Event", 3), Map.of("com.x.Event", 2)), true, upgraded);
    assertEquals(3, after.get("com.x.Event"));
  }

  @Test
  void aClassTheGateHasNotDecidedYetIsWrittenAtTheOldestWritableVersion() {
    assertEquals(2, VersionGate.writeAt(V3, null));
    assertEquals(3, VersionGate.writeAt(V3, 3));
    assertEquals(1, VersionGate.writeAt(V3, 1)); // the serializer refuses it, and says why
  }

  /** While held nothing advances and nothing new is decided; released, it advances at once. */
  @Test
  void anOperatorsHoldStopsEveryAdvanceUntilReleased() {
    List<Map<String, Integer>> allOnV3 = List.of(
        Map.of("com.x.Event", 3, "com.x.New", 2), Map.of("com.x.Event", 3, "com.x.New", 2));
    Map<String, Integer> previous = Map.of("com.x.Event", 2);
    Map<String, Integer> held = VersionGate.decide(allOnV3, true, previous, true);
    assertEquals(previous, held);
    assertEquals(2, VersionGate.writeAt(V3, held.get("com.x.Event")));
    assertEquals(2, VersionGate.writeAt(V3, held.get("com.x.New"))); // undecided: oldest writable
    assertEquals(Map.of("com.x.Event", 3, "com.x.New", 2),
        VersionGate.decide(allOnV3, true, held, false));
  }

  @Test
  void theLowestVersionPerClassIsWhatTheGateWouldMakeActive() {
    assertEquals(Map.of("com.x.Event", 1, "com.x.Other", 2), VersionGate.lowest(List.of(
        Map.of("com.x.Event", 3, "com.x.Other", 2), Map.of("com.x.Other", 4))));
  }

  @Test
  void settingsAreReadAndABadIntervalIsRefusedNamingTheKey() {
    UpgradeSettings defaults = UpgradeSettings.fromConfig(ConfigFactory.load());
    assertEquals(new UpgradeSettings(true, Duration.ofSeconds(1), false), defaults);
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> UpgradeSettings.fromConfig(ConfigFactory.parseString(
            "baton.upgrade.gate.interval = 0s").withFallback(ConfigFactory.load())));
    assertEquals("baton.upgrade.gate.interval = PT0S: must be a positive duration",
        error.getMessage());
  }
}
