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
 * node whose jar cannot read it must not join (the join check, a later step).
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
    Map<String, Integer> active = new TreeMap<>(previous);
    if (!everyMemberReported || reports.isEmpty()) {
      return active;
    }
    Set<String> classes = new HashSet<>();
    reports.forEach(report -> classes.addAll(report.keySet()));
    for (String name : classes) {
      int lowest = Integer.MAX_VALUE;
      for (Map<String, Integer> report : reports) {
        lowest = Math.min(lowest, report.getOrDefault(name, 1));
      }
      active.merge(name, lowest, Math::max);
    }
    return active;
  }

  /**
   * The version this node writes a class at, given the gate's active version of it.
   *
   * @param schema the class as this node knows it
   * @param active the gate's active version, or null when the gate has not decided one yet (the
   *     class is new to the gate): then the oldest version this node can write, the safe side
   * @param hold whether an operator holds the upgrade: then never above the oldest writable
   *     version (the previous release's), so that rolling the new jar back stays possible
   * @return a version for {@link ActiveVersions}: the serializer caps it at the current version
   *     and refuses one below the oldest writable version
   */
  public static int writeAt(ClassSchema schema, Integer active, boolean hold) {
    int version = active == null ? schema.oldestWritable() : active;
    return hold ? Math.min(version, schema.oldestWritable()) : version;
  }
}
