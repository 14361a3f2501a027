package io.baton.benchmarks.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The takeover figures of a run, from a hand-made timeline of answers (times in ms). */
@Timeout(10)
class TakeoverTimelineTest {

  private static final long MS = 1_000_000;
  private static final long KILL = 10_000 * MS;
  private static final long DEAD = KILL + 5 * MS;

  private static Answer ok(int entity, String node, long startMs, long endMs) {
    return new Answer(entity, true, 1, node, 1, startMs * MS, endMs * MS);
  }

  private static Answer failed(int entity, long startMs, long endMs) {
    return new Answer(entity, false, 0, "", 5, startMs * MS, endMs * MS);
  }

  /** Property: the counters of the killed node are the ones whose last answer before it named it. */
  @Test
  void affectedCountersAreThoseWhoseLastAnswerBeforeTheKillNamedTheVictim() {
    List<Answer> answers = List.of(
        ok(0, "node3", 9_000, 9_010),
        ok(0, "node1", 9_500, 9_510), // moved away before the kill: not affected
        ok(1, "node1", 9_000, 9_010),
        ok(1, "node3", 9_600, 9_610), // moved to the victim: affected
        ok(2, "node3", 9_700, 9_710),
        ok(3, "node2", 9_800, 9_810));

    TakeoverTimeline.Result result = TakeoverTimeline.of(answers, "node3", KILL, DEAD);

    assertEquals(List.of(1, 2), result.affected());
  }

  /** Property: takeover is from the kill to the first answer from a survivor of the last one. */
  @Test
  void takeoverEndsWithTheFirstAnswerFromASurvivorOfTheLastAffectedCounter() {
    List<Answer> answers = List.of(
        ok(1, "node3", 9_900, 9_910),
        ok(2, "node3", 9_950, 9_960),
        failed(1, 9_990, 10_400),
        ok(1, "node2", 10_500, 11_200),
        ok(1, "node2", 11_300, 11_310),
        ok(2, "node1", 10_100, 12_700),
        ok(2, "node1", 12_800, 12_805));

    TakeoverTimeline.Result result = TakeoverTimeline.of(answers, "node3", KILL, DEAD);

    assertTrue(result.complete());
    assertEquals(Map.of(1, 1_200 * MS, 2, 2_700 * MS), result.recoveredAfterNanos());
    assertEquals(2_700 * MS, result.takeoverNanos());
    assertEquals(List.of(1_200 * MS, 2_700 * MS), result.sortedRecoveries());
  }

  /**
   * Property: an answer naming the dead node counts only if its request was issued after the
   * process was seen dead (a retry answered AlreadyApplied names the node that applied it first).
   */
  @Test
  void anAnswerNamingTheVictimCountsOnlyIfIssuedAfterItsDeath() {
    List<Answer> answers = List.of(
        ok(1, "node3", 9_900, 9_910),
        ok(1, "node3", 9_995, 10_001), // in flight across the kill: the victim may have answered
        ok(1, "node3", 10_006, 10_900), // issued after death, AlreadyApplied: a survivor answered
        ok(1, "node2", 11_000, 11_010));

    TakeoverTimeline.Result result = TakeoverTimeline.of(answers, "node3", KILL, DEAD);

    assertEquals(Map.of(1, 900 * MS), result.recoveredAfterNanos());
  }

  private static Answer stalledOk(int entity, String node, long startMs, long endMs) {
    return new Answer(entity, true, 1, node, 2, startMs * MS, endMs * MS, true, "OK");
  }

  /**
   * Property: a counter of a survivor whose request stalled after the kill (a timeout or 5xx, or
   * given up) counts too, from the kill to its first success among requests meant to start no
   * earlier than its first stalled one; quick answers and stalls after the window do not count.
   */
  @Test
  void countersOfSurvivorsThatStalledAreTakenOverToo() {
    List<Answer> answers = List.of(
        ok(1, "node3", 9_900, 9_910),
        ok(1, "node2", 10_200, 10_400),
        ok(4, "node1", 9_900, 9_910),
        stalledOk(4, "node1", 9_950, 11_500), // the coordinator's moving: a survivor stalled
        ok(4, "node1", 11_600, 11_610),
        ok(5, "node2", 9_900, 9_910),
        failed(5, 9_980, 19_980), // given up, then answered again by a later request
        ok(5, "node2", 9_970, 10_010), // meant to start before the stall: not a recovery
        ok(5, "node2", 12_000, 12_300),
        ok(6, "node2", 10_100, 10_150), // quick after the kill: not stalled
        stalledOk(7, "node2", 30_000, 31_600)); // after the window: not counted

    TakeoverTimeline.Result result =
        TakeoverTimeline.of(answers, "node3", KILL, DEAD, 20_000 * MS);

    assertEquals(List.of(1), result.affected());
    assertEquals(List.of(4, 5), result.stalled());
    assertEquals(Map.of(1, 400 * MS, 4, 1_500 * MS, 5, 2_300 * MS),
        result.recoveredAfterNanos());
    assertTrue(result.complete());
    assertEquals(2_300 * MS, result.takeoverNanos());
  }

  /** Property: a counter with no answer from a survivor leaves the takeover unknown. */
  @Test
  void takeoverIsUnknownWhileAnAffectedCounterHasNotAnswered() {
    List<Answer> answers = List.of(
        ok(1, "node3", 9_900, 9_910),
        ok(2, "node3", 9_900, 9_920),
        ok(1, "node2", 10_100, 10_300),
        failed(2, 9_950, 19_950));

    TakeoverTimeline.Result result = TakeoverTimeline.of(answers, "node3", KILL, DEAD);

    assertFalse(result.complete());
    assertEquals(-1, result.takeoverNanos());
    assertEquals(Map.of(1, 300 * MS), result.recoveredAfterNanos());
  }

  /** Property: the median is a measured value (lower middle for an even count). */
  @Test
  void medianIsTheNearestRankValueAndMaxTheLargest() {
    assertEquals(2.0, Stats.median(List.of(3.0, 1.0, 2.0)));
    assertEquals(2.0, Stats.median(List.of(4.0, 1.0, 2.0, 3.0)));
    assertEquals(4.0, Stats.max(List.of(4.0, 1.0, 2.0, 3.0)));
    assertTrue(Double.isNaN(Stats.median(List.of())));
  }
}
