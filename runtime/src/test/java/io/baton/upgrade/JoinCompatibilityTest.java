package io.baton.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The join decision: too old, too new, compatible, and classes only one side knows. */
@Timeout(10)
class JoinCompatibilityTest {

  private static final String EVENT = "com.example.Deposited";
  private static final String STATE = "com.example.Account";

  /** A jar that reads at most version 1 cannot join a cluster that writes version 2. */
  @Test
  void aJarBelowTheActiveVersionIsTooOld() {
    List<JoinCompatibility.Conflict> conflicts = JoinCompatibility.conflicts(
        Map.of(EVENT, new SupportedVersions(1, 1, 1)), Map.of(EVENT, 2));
    assertEquals(List.of(new JoinCompatibility.Conflict(EVENT, JoinCompatibility.Reason.TOO_OLD,
        2, new SupportedVersions(1, 1, 1))), conflicts);
  }

  /** A jar whose oldest writable version is above the active one cannot write what others read. */
  @Test
  void aJarThatCannotWriteDownToTheActiveVersionIsTooNew() {
    List<JoinCompatibility.Conflict> conflicts = JoinCompatibility.conflicts(
        Map.of(EVENT, new SupportedVersions(3, 2, 1)), Map.of(EVENT, 1));
    assertEquals(JoinCompatibility.Reason.TOO_NEW, conflicts.get(0).reason());
    assertEquals(1, conflicts.size());
  }

  /** Both edges are compatible: current equal to the active version, oldest writable equal too. */
  @Test
  void aJarWhoseRangeContainsTheActiveVersionJoins() {
    assertTrue(JoinCompatibility.conflicts(
        Map.of(EVENT, new SupportedVersions(2, 1, 1), STATE, new SupportedVersions(3, 2, 1)),
        Map.of(EVENT, 2, STATE, 2)).isEmpty());
    assertTrue(JoinCompatibility.conflicts(
        Map.of(EVENT, new SupportedVersions(2, 2, 1)), Map.of(EVENT, 2)).isEmpty());
  }

  /** A class the gate has not decided, or one the joiner does not advertise, is not judged. */
  @Test
  void aClassOnlyOneSideKnowsIsNotJudged() {
    assertTrue(JoinCompatibility.conflicts(
        Map.of(EVENT, new SupportedVersions(1, 1, 1)), Map.of(STATE, 5)).isEmpty());
  }

  /** Every conflicting class is reported, in name order, and the message names each with both
   * sides' versions and says what to do. */
  @Test
  void theRefusalNamesEveryClassBothVersionsAndWhatToDo() {
    List<JoinCompatibility.Conflict> conflicts = JoinCompatibility.conflicts(
        Map.of(EVENT, new SupportedVersions(1, 1, 1), STATE, new SupportedVersions(4, 3, 1)),
        Map.of(EVENT, 2, STATE, 2));
    assertEquals(List.of(STATE, EVENT),
        conflicts.stream().map(JoinCompatibility.Conflict::className).toList());
    String message = JoinCompatibility.refusal("pekko://bank@127.0.0.1:2553", conflicts);
    assertTrue(message.contains("pekko://bank@127.0.0.1:2553 was refused"), message);
    assertTrue(message.contains(EVENT + ": the cluster writes version 2, this jar reads at most"
        + " version 1 (jar too old)"), message);
    assertTrue(message.contains(STATE + ": the cluster reads only up to version 2, this jar"
        + " writes version 3 at the oldest (jar too new)"), message);
    assertTrue(message.contains("start this node on the release the cluster runs"), message);
    assertTrue(message.contains("finish upgrading the other nodes first"), message);
  }
}
