package io.baton.upgrade;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Whether a node's jar may join a cluster, as a pure function of what the joiner supports and the
 * cluster's active versions (decision 0014, "Refusing a node with the wrong jar").
 *
 * <p>For every class both sides know (the joiner advertises it and the cluster's gate decided an
 * active version {@code a} for it):
 *
 * <ul>
 *   <li><b>too old</b>: the joiner's current version is below {@code a}: data and messages at
 *       {@code a} are already written, and it cannot read them;
 *   <li><b>too new</b>: the joiner's oldest writable version is above {@code a}: the other
 *       members read only up to {@code a}, and it cannot write down that far.
 * </ul>
 *
 * A class only one side knows is not judged: the joiner advertises the classes it declares, the
 * cluster decides the classes its members reported, and neither list is complete (see 0014).
 */
public final class JoinCompatibility {

  private JoinCompatibility() {}

  /** Why a joiner cannot run one class. */
  public enum Reason { TOO_OLD, TOO_NEW }

  /**
   * One class the joiner cannot run with the cluster.
   *
   * @param className the class
   * @param reason too old or too new
   * @param active the cluster's active version of it
   * @param supported what the joiner supports
   */
  public record Conflict(String className, Reason reason, int active,
      SupportedVersions supported) {

    /** One line for the operator: the class, both sides' versions, and why. */
    public String describe() {
      return switch (reason) {
        case TOO_OLD -> className + ": the cluster writes version " + active
            + ", this jar reads at most version " + supported.current() + " (jar too old)";
        case TOO_NEW -> className + ": the cluster reads only up to version " + active
            + ", this jar writes version " + supported.oldestWritable() + " at the oldest"
            + " (jar too new)";
      };
    }
  }

  /**
   * The conflicts between a joiner and the cluster, in class-name order; empty: it may join.
   *
   * @param joiner class name to the versions the joiner's jar supports
   * @param active class name to the cluster's active version (the gate's decision)
   */
  public static List<Conflict> conflicts(Map<String, SupportedVersions> joiner,
      Map<String, Integer> active) {
    List<Conflict> conflicts = new ArrayList<>();
    new TreeMap<>(joiner).forEach((name, supported) -> {
      Integer version = active.get(name);
      if (version == null) {
        return;
      }
      if (supported.current() < version) {
        conflicts.add(new Conflict(name, Reason.TOO_OLD, version, supported));
      } else if (supported.oldestWritable() > version) {
        conflicts.add(new Conflict(name, Reason.TOO_NEW, version, supported));
      }
    });
    return List.copyOf(conflicts);
  }

  /**
   * The refusal message: what happened, each class with both sides' versions, and what to do.
   *
   * @param joiner the joining node's address
   * @param conflicts non-empty
   */
  public static String refusal(String joiner, List<Conflict> conflicts) {
    StringBuilder text = new StringBuilder("Node ").append(joiner)
        .append(" was refused by the cluster: its jar cannot run with the cluster's active"
            + " schema versions:");
    boolean tooOld = false;
    boolean tooNew = false;
    for (Conflict conflict : conflicts) {
      text.append("\n  - ").append(conflict.describe());
      tooOld |= conflict.reason() == Reason.TOO_OLD;
      tooNew |= conflict.reason() == Reason.TOO_NEW;
    }
    text.append("\nWhat to do:");
    if (tooOld) {
      text.append(" start this node on the release the cluster runs (or newer); an active"
          + " version never goes back, so an older jar cannot rejoin once it advanced.");
    }
    if (tooNew) {
      text.append(" upgrade through a release that can still write the cluster's versions"
          + " (its oldest writable version at most the active one), or finish upgrading the"
          + " other nodes first.");
    }
    return text.toString();
  }
}
