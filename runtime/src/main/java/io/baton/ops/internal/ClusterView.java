package io.baton.ops.internal;

import io.baton.journal.replication.ReplicationStatus;
import io.baton.ops.DrainProgress;
import io.baton.ops.NodeStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The cluster-wide parts of {@code /status} and {@code /drain}, computed from what was observed:
 * the members, the ring, the drained set and the nodes' reports. Pure functions, so that tests
 * call them with the inputs they want.
 */
public final class ClusterView {

  private ClusterView() {}

  /**
   * One entry per member: ring members first in ring order, then the others in the order given;
   * each with what its report says, or nulls when it did not answer.
   */
  public static List<NodeStatus.ClusterNode> nodes(List<NodeStatus.Member> members,
      List<String> ring, Set<String> drained, Map<String, NodeReport> reports) {
    List<NodeStatus.Member> ordered = new ArrayList<>();
    for (String owner : ring) {
      members.stream().filter(m -> m.address().equals(owner)).findFirst().ifPresent(ordered::add);
    }
    for (NodeStatus.Member member : members) {
      if (!ring.contains(member.address())) {
        ordered.add(member);
      }
    }
    List<NodeStatus.ClusterNode> nodes = new ArrayList<>();
    for (NodeStatus.Member member : ordered) {
      int position = ring.indexOf(member.address());
      NodeReport report = reports.get(member.address());
      Integer ringPosition = position < 0 ? null : position + 1;
      boolean isDrained = drained.contains(member.address());
      if (report == null) {
        nodes.add(new NodeStatus.ClusterNode(member.address(), ringPosition, member.status(),
            member.reachable(), isDrained, false, null, null, null, null, null, null, null, null,
            null, null));
        continue;
      }
      Map<String, NodeStatus.TypeShards> shards = new TreeMap<>();
      long entities = 0;
      Double nodeLoad = null;
      for (Map.Entry<String, Map<String, Integer>> type : report.shards().entrySet()) {
        Map<String, Double> loads = report.messagesPerSecond().getOrDefault(type.getKey(), Map.of());
        List<NodeStatus.Shard> hosted = new ArrayList<>();
        long typeEntities = 0;
        for (Map.Entry<String, Integer> shard : new TreeMap<>(type.getValue()).entrySet()) {
          Double load = loads.get(shard.getKey());
          hosted.add(new NodeStatus.Shard(shard.getKey(), shard.getValue(), load));
          typeEntities += shard.getValue();
          if (load != null) {
            nodeLoad = (nodeLoad == null ? 0.0 : nodeLoad) + load;
          }
        }
        shards.put(type.getKey(), new NodeStatus.TypeShards(hosted.size(), typeEntities, hosted));
        entities += typeEntities;
      }
      ReplicationStatus replication = report.replication();
      nodes.add(new NodeStatus.ClusterNode(member.address(), ringPosition, member.status(),
          member.reachable(), isDrained, true, report.name(), report.batonVersion(),
          report.appVersion(), report.behaviourVersions(), shards,
          report.knownShardCount(),
          entities,
          nodeLoad, replication == null ? null : replication.inFlight(),
          replication == null ? null : replication.underReplicated()));
    }
    return nodes;
  }

  /**
   * Per entity type, the client requests waiting longer than a second over every node that
   * answered, and which of their shards no answering node hosts (homeless), types in name order.
   */
  public static List<NodeStatus.Stall> stalls(Map<String, NodeReport> reports) {
    Map<String, int[]> requests = new TreeMap<>();
    Map<String, long[]> oldest = new TreeMap<>();
    Map<String, java.util.TreeSet<String>> shards = new TreeMap<>();
    Map<String, java.util.Set<String>> hosted = new java.util.HashMap<>();
    for (NodeReport report : reports.values()) {
      report.shards().forEach((type, byShard) ->
          hosted.computeIfAbsent(type, t -> new java.util.HashSet<>()).addAll(byShard.keySet()));
      if (report.waiting() == null) {
        continue;
      }
      report.waiting().forEach((type, waiting) -> {
        requests.computeIfAbsent(type, t -> new int[1])[0] += waiting.requests();
        long[] max = oldest.computeIfAbsent(type, t -> new long[1]);
        max[0] = Math.max(max[0], waiting.oldestMillis());
        shards.computeIfAbsent(type, t -> new java.util.TreeSet<>()).addAll(waiting.shards());
      });
    }
    List<NodeStatus.Stall> stalls = new ArrayList<>();
    requests.forEach((type, count) -> {
      java.util.Set<String> homes = hosted.getOrDefault(type, java.util.Set.of());
      List<String> homeless = shards.get(type).stream().filter(s -> !homes.contains(s)).toList();
      stalls.add(new NodeStatus.Stall(type, count[0], oldest.get(type)[0],
          List.copyOf(shards.get(type)), homeless));
    });
    return stalls;
  }

  /** Every owner's catch-up of every replica target, owners in the order of {@code nodes}. */
  public static List<NodeStatus.CatchUpProgress> catchUp(
      Collection<String> owners, Map<String, NodeReport> reports) {
    List<NodeStatus.CatchUpProgress> progress = new ArrayList<>();
    for (String owner : owners) {
      NodeReport report = reports.get(owner);
      if (report == null || report.replication() == null) {
        continue;
      }
      for (ReplicationStatus.CatchUp catchUp : report.replication().catchUp()) {
        progress.add(new NodeStatus.CatchUpProgress(owner, catchUp.target(),
            catchUp.entitiesBehind(), catchUp.entitiesInPass(), catchUp.eventsCopied(),
            catchUp.caughtUp()));
      }
    }
    return progress;
  }

  /**
   * The shard counts the drain baselines remember next: a drained node keeps the count it had
   * (set when its drain was requested here), or gets the most seen since, which is the count at
   * the drain's start when this node has watched it from the start; a node no longer drained is
   * forgotten. {@code hosted} holds the nodes whose count is known.
   */
  public static Map<String, Integer> nextBaselines(
      Map<String, Integer> baselines, Set<String> drained, Map<String, Integer> hosted) {
    Map<String, Integer> next = new HashMap<>();
    for (String node : drained) {
      Integer before = baselines.get(node);
      Integer now = hosted.get(node);
      // No ternary here: mixing Integer and int in one would unbox a null.
      if (before != null && now != null) {
        next.put(node, Math.max(before, now));
      } else if (before != null) {
        next.put(node, before);
      } else if (now != null) {
        next.put(node, now);
      }
    }
    return next;
  }

  /**
   * The progress of each drained node, in address order of {@code drained}; {@code members} are
   * the addresses of the members that are neither Down nor Removed (a drained node that is not
   * among them has stopped and hosts nothing).
   */
  public static List<DrainProgress> drains(Collection<String> drained, Set<String> members,
      Map<String, Integer> baselines, Map<String, NodeReport> reports) {
    List<DrainProgress> drains = new ArrayList<>();
    for (String node : drained.stream().sorted().toList()) {
      if (!members.contains(node)) {
        drains.add(DrainProgress.ofStopped(node, baselines.get(node)));
        continue;
      }
      NodeReport report = reports.get(node);
      Integer left = report == null ? null : report.knownShardCount();
      drains.add(DrainProgress.of(node, report == null ? node : report.name(), left,
          baselines.get(node)));
    }
    return drains;
  }

  /** The addresses of the members that are neither Down nor Removed. */
  public static Set<String> present(List<NodeStatus.Member> members) {
    Set<String> present = new java.util.HashSet<>();
    for (NodeStatus.Member member : members) {
      if (!member.status().equals("Down") && !member.status().equals("Removed")) {
        present.add(member.address());
      }
    }
    return present;
  }

  /** Shard counts of the nodes that reported every type. */
  public static Map<String, Integer> hosted(Map<String, NodeReport> reports) {
    Map<String, Integer> hosted = new LinkedHashMap<>();
    reports.forEach((address, report) -> {
      if (report.knownShardCount() != null) {
        hosted.put(address, report.knownShardCount());
      }
    });
    return hosted;
  }

  /**
   * The rebalancing that has happened or is happening, one entry per entity type: the report of
   * the node whose strategy has moved shards or is moving some (the coordinator's; after a
   * coordinator moved, the one with the latest round), sorted by type.
   */
  public static List<io.baton.ring.RebalanceActivity> rebalances(Map<String, NodeReport> reports) {
    Map<String, io.baton.ring.RebalanceActivity> byType = new java.util.TreeMap<>();
    for (NodeReport report : reports.values()) {
      if (report.rebalances() == null) {
        continue;
      }
      for (io.baton.ring.RebalanceActivity activity : report.rebalances()) {
        if (activity.rounds() == 0 && activity.shardsMovingNow() == 0
            && activity.balanced() == null) {
          continue;
        }
        // The coordinator's node (it says whether the type is balanced) wins over nodes that
        // decided before, then the latest round.
        byType.merge(activity.type(), activity, (a, b) -> (a.balanced() != null)
            != (b.balanced() != null) ? (a.balanced() != null ? a : b)
            : latest(a) >= latest(b) ? a : b);
      }
    }
    return List.copyOf(byType.values());
  }

  private static long latest(io.baton.ring.RebalanceActivity activity) {
    return activity.lastRound() == null ? 0 : activity.lastRound().atEpochMillis();
  }
}
