package io.baton.upgrade;

import java.util.List;
import java.util.Map;

/**
 * The version gate as one node sees it, for operators ({@code GET /status}, field {@code
 * upgrade}) and for the rolling upgrade (which must not roll a jar back below an active version).
 * Immutable; the gate replaces it on every recomputation.
 *
 * @param enabled whether this node takes its versions from the gate ({@code
 *     baton.upgrade.gate.enabled}; off: every class at this node's current version)
 * @param held whether the operator holds the gate (nothing advances)
 * @param waitingFor live members that have not reported their versions yet (nothing advances
 *     until they have), by address
 * @param classes every class some member reported, in name order
 */
public record GateStatus(boolean enabled, boolean held, List<String> waitingFor,
    List<ClassGate> classes) {

  /** Copies. */
  public GateStatus {
    waitingFor = List.copyOf(waitingFor);
    classes = List.copyOf(classes);
  }

  /** Before the gate's first computation, or without a gate. */
  public static GateStatus none(boolean enabled, boolean held) {
    return new GateStatus(enabled, held, List.of(), List.of());
  }

  /**
   * One class at the gate.
   *
   * @param className the class name as written in stored data
   * @param active its active version (every member reads it; never lowered), or null while
   *     undecided (then each node writes its oldest writable version)
   * @param newest the highest current version over the live members
   * @param pending whether an advance is waiting: {@code newest} is above {@code active} (or
   *     {@code active} is undecided), because some member does not support it yet ({@code
   *     behind}), a member has not reported, or the gate is held
   * @param behind the members whose jar does not support {@code newest} yet, by address
   * @param members per member address, the versions its jar supports (a member that does not
   *     know the class is absent: it is taken to read version 1)
   */
  public record ClassGate(String className, Integer active, int newest, boolean pending,
      List<String> behind, Map<String, SupportedVersions> members) {

    /** Copies. */
    public ClassGate {
      behind = List.copyOf(behind);
      members = Map.copyOf(members);
    }
  }
}
