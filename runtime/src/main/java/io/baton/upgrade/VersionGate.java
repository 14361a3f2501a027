package io.baton.upgrade;

import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The cluster-wide version gate's decisions, as pure functions: which version of each class every
 * member reads (the <em>active</em> versions), and at which version this node writes a class.
 *
 * <p>Every node reports the current version of each class it knows (its registry); the gate runs
 * on every node over the reports of the live members ({@code internal.VersionGateActor}). The rule
 * that keeps a mixed cluster readable: a class is written at a version no higher than every live
 * member's current version of it. A member that has not reported yet stops every advance; a
 * member that does not report a class is taken to read version 1 of it (every release reads
 * version 1 of a class it has; one that lacks the class cannot be detected, see decision 0014).
 * Active versions never go down on a node: data already written at a version stays written, and a
 * node whose jar cannot read it must not join ({@link JoinCompatibility}). While the operator
 * holds the gate ({@link UpgradeGate#hold}), nothing advances.
 */
public final class VersionGate {

  private VersionGate() {}

  /**
   * The active version of every class some member reported.
   *
   * @param reports each live member's report: class name to its current version
   * @param everyMemberReported false while some live member has not reported: nothing advances
   * @param previous the active versions decided before on this node
   * @return per class, the lowest version over the reports (absent: 1), never below {@code
   *     previous}
   */
  public static Map<String, Integer> decide(Collection<Map<String, Integer>> reports,
      boolean everyMemberReported, Map<String, Integer> previous) {
    return decide(reports, everyMemberReported, previous, false);
  }

  /**
   * As {@link #decide(Collection, boolean, Map)}, under the operator's hold: while {@code held},
   * nothing advances and nothing new is decided ({@code previous} is returned as is), so that
   * every node keeps writing the versions it wrote and a class the gate never decided is written
   * at each node's oldest writable version ({@link #writeAt}): the previous release can still
   * read everything, and rolling back stays possible.
   */
  public static Map<String, Integer> decide(Collection<Map<String, Integer>> reports,
      boolean everyMemberReported, Map<String, Integer> previous, boolean held) {
    Map<String, Integer> active = new TreeMap<>(previous);
    if (held) {
      return active;
    }
    Map<String, Integer> lowest = lowest(reports);
    if (!everyMemberReported || reports.isEmpty()) {
      return active;
    }
    lowest.forEach((name, version) -> active.merge(name, version, Math::max));
    return active;
  }

  /**
   * Per class some member reported, the lowest current version over the reports (a member that
   * does not report the class: 1): the version the gate would make active, hold aside. A class
   * whose lowest version is above its active one has an advance pending.
   */
  public static Map<String, Integer> lowest(Collection<Map<String, Integer>> reports) {
    Set<String> classes = new HashSet<>();
    reports.forEach(report -> classes.addAll(report.keySet()));
    Map<String, Integer> lowest = new TreeMap<>();
    for (String name : classes) {
      int version = Integer.MAX_VALUE;
      for (Map<String, Integer> report : reports) {
        version = Math.min(version, report.getOrDefault(name, 1));
      }
      lowest.put(name, version);
    }
    return lowest;
  }

  /**
   * The version this node writes a class at, given the gate's active version of it.
   *
   * @param schema the class as this node knows it
   * @param active the gate's active version, or null when the gate has not decided one (the
   *     class is new to the gate, or the operator held the gate before it was decided): then the
   *     oldest version this node can write, the safe side
   * @return a version for {@link ActiveVersions}: the serializer caps it at the current version
   *     and refuses one below the oldest writable version
   */
  public static int writeAt(ClassSchema schema, Integer active) {
    return active == null ? schema.oldestWritable() : active;
  }
}
