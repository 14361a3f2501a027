package io.baton.ring;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.pekko.actor.Address;

/**
 * Where shards go: the two decisions of {@link RingSuccessorAllocation} as pure functions of
 * plain values, so tests call them directly.
 *
 * <h2>Allocation</h2>
 * {@link #allocate} picks a home for a shard that has none, first rule that applies wins:
 *
 * <ol>
 *   <li>a rebalance planned a destination for it and that node is alive: there;
 *   <li>its previous owner is alive (the shard merely stopped there): back there;
 *   <li>its previous owner is gone: the previous owner's ring successor among the live nodes,
 *       which holds the shard's events already (the journal replicates a node's writes to its
 *       successor), so recovery reads local data;
 *   <li>no previous owner is known (a new shard, or one the strategy forgot): the requester's node
 *       if it is alive (the first message is local), else the least-loaded node.
 * </ol>
 *
 * <h2>Rebalance</h2>
 * {@link #rebalance} moves shards from the busiest node to the least-loaded one, about half the
 * difference of their loads, so a node that joined empty gets about half of the busiest node's
 * shards. {@link #rebalanceByLoad} does the same with measured load (messages per second per
 * shard, see {@link LoadMeter}), choosing the shards whose rates add up to about half the load gap,
 * and falls back to shard counts while no load is measured. It does nothing while
 * a move is in progress (so a shard is never moved twice at once, and each round sees the result
 * of the previous one) or when the loads are within the tolerance.
 *
 * <h2>Drain</h2>
 * A <em>drained</em> node is alive but must hold nothing, so that it can be stopped with no
 * impact. Both decisions take the set of drained nodes: allocation never picks a drained node
 * (unless every live node is drained: a shard must live somewhere), and rebalance first moves
 * every shard of a drained node to that node's ring successor among the nodes that are not
 * drained, which is the node that holds the events the drained node wrote (the journal replicates
 * a node's writes to its successor). Only when no drained node holds a shard does the ordinary
 * balancing run, among the nodes that are not drained; so undraining a node (it is empty) gives it
 * about half of the busiest node's shards.
 *
 * <p>Ties are broken by ring order (Pekko's address order): the first such node wins. Shards are
 * taken from the busiest node in descending shard-id order, so one input gives one output.
 */
public final class ShardPlacement {

  private ShardPlacement() {}

  /** One shard to move from one node to another. */
  public record Move(String shard, Address from, Address to) {
    public Move {
      Objects.requireNonNull(shard, "shard");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }
  }

  /**
   * The node a shard without a home goes to (see the class comment for the rules).
   *
   * @param alive the nodes that host a shard region now; not empty
   * @param requester the node whose region asked, or {@code null} (the coordinator itself asks
   *     when a region died)
   * @param previousOwner the last node known to have hosted the shard, or {@code null}
   * @param planned the destination a rebalance chose for it, or {@code null}
   * @param load each live node's load; a missing node counts as 0
   */
  public static Address allocate(
      Collection<Address> alive,
      Address requester,
      Address previousOwner,
      Address planned,
      Map<Address, ? extends Number> load) {
    return allocate(alive, requester, previousOwner, planned, load, Set.of());
  }

  /**
   * As {@link #allocate(Collection, Address, Address, Address, Map)}, never choosing a node of
   * {@code drained} unless every live node is drained.
   */
  public static Address allocate(
      Collection<Address> live,
      Address requester,
      Address previousOwner,
      Address planned,
      Map<Address, ? extends Number> load,
      Set<Address> drained) {
    if (live.isEmpty()) {
      throw new IllegalArgumentException("no live shard region to allocate a shard to");
    }
    Collection<Address> alive = eligible(live, drained);
    if (planned != null && alive.contains(planned)) {
      return planned;
    }
    if (previousOwner != null) {
      if (alive.contains(previousOwner)) {
        return previousOwner;
      }
      return Ring.of(alive).successor(previousOwner);
    }
    if (requester != null && alive.contains(requester)) {
      return requester;
    }
    return leastLoaded(alive, load);
  }

  /**
   * The shards to move now, all from the busiest node to the least-loaded one; empty when balanced
   * within {@code tolerance} or while another move is in progress.
   *
   * @param shards the shards each live node hosts
   * @param load each live node's load; a node missing here counts as 0
   * @param inProgress shards being moved now
   * @param tolerance the load difference between the busiest and the least-loaded node that is
   *     accepted as balanced; 0 or more
   */
  public static List<Move> rebalance(
      Map<Address, ? extends Collection<String>> shards,
      Map<Address, ? extends Number> load,
      Set<String> inProgress,
      double tolerance) {
    return rebalance(shards, load, inProgress, tolerance, Set.of());
  }

  /**
   * As {@link #rebalance(Map, Map, Set, double)}, but first empties the drained nodes: while a
   * drained node hosts shards, the moves are all of those shards, each to its node's ring
   * successor among the nodes that are not drained; then it balances the other nodes only.
   */
  public static List<Move> rebalance(
      Map<Address, ? extends Collection<String>> allShards,
      Map<Address, ? extends Number> load,
      Set<String> inProgress,
      double tolerance,
      Set<Address> drained) {
    if (tolerance < 0) {
      throw new IllegalArgumentException("tolerance must be 0 or more, was " + tolerance);
    }
    List<Move> first = movesBeforeBalancing(allShards, inProgress, drained);
    if (first != null) {
      return first;
    }
    Map<Address, Collection<String>> shards = undrainedShards(allShards, drained);
    if (shards.size() < 2) {
      return List.of();
    }
    List<Address> ring = Ring.of(shards.keySet()).nodes();
    Address busiest = ring.get(0);
    Address least = ring.get(0);
    for (Address node : ring) {
      if (loadOf(load, node) > loadOf(load, busiest)) {
        busiest = node;
      }
      if (loadOf(load, node) < loadOf(load, least)) {
        least = node;
      }
    }
    double high = loadOf(load, busiest);
    double gap = high - loadOf(load, least);
    if (busiest.equals(least) || gap <= tolerance || high <= 0) {
      return List.of();
    }
    List<String> candidates = new ArrayList<>(shards.get(busiest));
    candidates.sort(java.util.Comparator.reverseOrder());
    // Move the fraction of the busiest node's shards that carries half the gap.
    int count = (int) Math.floor(candidates.size() * gap / (2 * high));
    List<Move> moves = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      moves.add(new Move(candidates.get(i), busiest, least));
    }
    return List.copyOf(moves);
  }

  /**
   * The shards to move now, balancing measured load (messages per second) rather than shard
   * counts; as {@link #rebalance(Map, Map, Set, double, Set)} in everything else: nothing while a
   * move is in progress, drained nodes emptied first onto their ring successors.
   *
   * <p>A node's load is the sum of the rates of the shards it hosts now, so a shard that just
   * moved counts for its new node at once. When the nodes' total load is below {@code
   * tolerance.minRate()} (a cold cluster: nothing measured yet) it balances shard counts instead,
   * within {@code tolerance.shards()}. Otherwise, if the gap between the busiest and the
   * least-loaded node is more than {@code tolerance.load()} times the busiest node's load, it moves
   * shards of the busiest node to the least-loaded one, busiest shards first, as many as fit in
   * half the gap. Never more than half the gap: afterwards the busiest node still carries at least
   * as much as the other, so two nodes never trade the same load back and forth, and a node that
   * joined empty gets about half of the busiest node's load. A round that could move less than
   * half the tolerance ({@code tolerance.load() / 2} times the busiest node's load) moves nothing:
   * a hand-off is not free, and such a gap is measurement noise or shards too coarse to split.
   * Once the load is balanced, idle shards are balanced by count ({@link #idleShardMoves}).
   *
   * @param shardRates messages per second per shard; a shard missing here counts as 0
   */
  public static List<Move> rebalanceByLoad(
      Map<Address, ? extends Collection<String>> allShards,
      Map<String, Double> shardRates,
      Set<String> inProgress,
      Tolerance tolerance,
      Set<Address> drained) {
    return rebalanceByLoad(allShards, shardRates, Set.of(), inProgress, tolerance, drained);
  }

  /**
   * As {@link #rebalanceByLoad(Map, Map, Set, Tolerance, Set)}, knowing that the load of the nodes
   * in {@code unmeasured} is not known yet (their first report has not arrived): while one of them
   * hosts a shard in a cluster that is not cold, nothing moves, because its shards would look idle
   * and the decision would be wrong (drained nodes are still emptied).
   */
  public static List<Move> rebalanceByLoad(
      Map<Address, ? extends Collection<String>> allShards,
      Map<String, Double> shardRates,
      Set<Address> unmeasured,
      Set<String> inProgress,
      Tolerance tolerance,
      Set<Address> drained) {
    List<Move> first = movesBeforeBalancing(allShards, inProgress, drained);
    if (first != null) {
      return first;
    }
    Map<Address, Collection<String>> shards = undrainedShards(allShards, drained);
    Map<Address, Double> load = nodeLoads(shards, shardRates);
    double total = load.values().stream().mapToDouble(Double::doubleValue).sum();
    if (total <= 0 || total < tolerance.minRate()) {
      return rebalance(shards, shardCounts(shards), inProgress, tolerance.shards());
    }
    for (Address node : unmeasured) {
      Collection<String> hosted = shards.get(node);
      if (hosted != null && !hosted.isEmpty()) {
        return List.of(); // its load is not known yet: wait for its report
      }
    }
    if (shards.size() < 2) {
      return List.of();
    }
    List<Address> ring = Ring.of(shards.keySet()).nodes();
    Address busiest = ring.get(0);
    Address least = ring.get(0);
    for (Address node : ring) {
      if (load.get(node) > load.get(busiest)) {
        busiest = node;
      }
      if (load.get(node) < load.get(least)) {
        least = node;
      }
    }
    double high = load.get(busiest);
    double gap = high - load.get(least);
    if (busiest.equals(least) || gap <= tolerance.load() * high) {
      return idleShardMoves(shards, shardRates, tolerance.shards());
    }
    List<String> candidates = new ArrayList<>(shards.get(busiest));
    candidates.sort(java.util.Comparator.<String>comparingDouble(s -> rateOf(shardRates, s))
        .thenComparing(java.util.Comparator.naturalOrder())
        .reversed());
    double budget = gap / 2;
    double moved = 0;
    List<Move> moves = new ArrayList<>();
    for (String shard : candidates) {
      double rate = rateOf(shardRates, shard);
      if (rate > 0 && moved + rate <= budget) {
        moves.add(new Move(shard, busiest, least));
        moved += rate;
      }
    }
    if (moved < tolerance.load() / 2 * high) {
      // Too little load to be worth a hand-off (coarse shards or noise): balance the idle ones.
      return idleShardMoves(shards, shardRates, tolerance.shards());
    }
    return List.copyOf(moves);
  }

  /** A shard below this rate (messages per second) carries no load worth measuring. */
  static final double IDLE_RATE = 0.05;

  /**
   * Once the load is balanced, the idle shards (below {@link #IDLE_RATE}): from the node with the
   * most to the node with the fewest, half the difference, when it exceeds {@code tolerance}
   * shards and a fifth of the average idle count. They move no load, so the load balance stays as
   * it is, but a node that rejoined (an undrained or upgraded node gets its hot shards back by
   * load first) also gets its share of the rest, and a later takeover or drain spreads over every
   * node.
   */
  static List<Move> idleShardMoves(Map<Address, ? extends Collection<String>> shards,
      Map<String, Double> shardRates, double tolerance) {
    if (shards.size() < 2) {
      return List.of();
    }
    Map<Address, List<String>> idle = new java.util.HashMap<>();
    shards.forEach((node, hosted) -> {
      List<String> quiet = new ArrayList<>();
      for (String shard : hosted) {
        if (rateOf(shardRates, shard) < IDLE_RATE) {
          quiet.add(shard);
        }
      }
      idle.put(node, quiet);
    });
    List<Address> ring = Ring.of(shards.keySet()).nodes();
    Address most = ring.get(0);
    Address fewest = ring.get(0);
    for (Address node : ring) {
      if (idle.get(node).size() > idle.get(most).size()) {
        most = node;
      }
      if (idle.get(node).size() < idle.get(fewest).size()) {
        fewest = node;
      }
    }
    int difference = idle.get(most).size() - idle.get(fewest).size();
    // Shards near the idle rate change sides as their rates move: a fifth of the average idle
    // count is also accepted as even, so that such noise moves nothing.
    double average = idle.values().stream().mapToInt(List::size).average().orElse(0);
    if (most.equals(fewest) || difference <= Math.max(tolerance, 0.2 * average)) {
      return List.of();
    }
    List<String> candidates = new ArrayList<>(idle.get(most));
    candidates.sort(java.util.Comparator.reverseOrder());
    List<Move> moves = new ArrayList<>();
    for (int i = 0; i < difference / 2; i++) {
      moves.add(new Move(candidates.get(i), most, fewest));
    }
    return List.copyOf(moves);
  }

  /**
   * When the nodes count as balanced for {@link #rebalanceByLoad}.
   *
   * @param shards the shard-count difference accepted while no load is measured; 0 or more
   * @param load the load gap accepted, as a fraction of the busiest node's load; 0 to 1
   * @param minRate the total messages per second below which load is not trusted and shard counts
   *     are balanced instead; 0 or more
   */
  public record Tolerance(double shards, double load, double minRate) {
    public Tolerance {
      if (!(shards >= 0)) {
        throw new IllegalArgumentException(RingSuccessorAllocation.PATH
            + ".rebalance-tolerance = " + shards + " must be 0 or more (shards)");
      }
      if (!(load >= 0 && load <= 1)) {
        throw new IllegalArgumentException(RingSuccessorAllocation.PATH
            + ".load-tolerance = " + load
            + " must be a fraction of the busiest node's load, from 0 to 1 (e.g. 0.2)");
      }
      if (!(minRate >= 0)) {
        throw new IllegalArgumentException(RingSuccessorAllocation.PATH
            + ".load-threshold = " + minRate + " must be 0 or more (messages per second)");
      }
    }
  }

  /** Each node's load: the sum of the rates of the shards it hosts. */
  public static Map<Address, Double> nodeLoads(
      Map<Address, ? extends Collection<String>> shards, Map<String, Double> shardRates) {
    Map<Address, Double> load = new java.util.HashMap<>();
    shards.forEach((node, hosted) -> {
      double sum = 0;
      for (String shard : hosted) {
        sum += rateOf(shardRates, shard);
      }
      load.put(node, sum);
    });
    return load;
  }

  /** Every shard of the nodes not in {@code targets}, each to its node's successor among them. */
  /**
   * What every rebalance decides before balancing: nothing while a move is in progress (so a shard
   * is never moved twice at once), else the moves that empty the drained nodes; {@code null} when
   * neither applies and the nodes that are not drained may be balanced.
   */
  private static List<Move> movesBeforeBalancing(
      Map<Address, ? extends Collection<String>> allShards, Set<String> inProgress,
      Set<Address> drained) {
    if (!inProgress.isEmpty()) {
      return List.of();
    }
    List<Move> evacuation = evacuation(allShards, eligible(allShards.keySet(), drained));
    return evacuation.isEmpty() ? null : evacuation;
  }

  /** The shards of the nodes that are not drained (all nodes, if every node is drained). */
  private static Map<Address, Collection<String>> undrainedShards(
      Map<Address, ? extends Collection<String>> allShards, Set<Address> drained) {
    Map<Address, Collection<String>> shards = new java.util.HashMap<>();
    for (Address node : eligible(allShards.keySet(), drained)) {
      shards.put(node, allShards.get(node));
    }
    return shards;
  }

  private static List<Move> evacuation(
      Map<Address, ? extends Collection<String>> allShards, Collection<Address> targets) {
    if (targets.containsAll(allShards.keySet())) {
      return List.of();
    }
    List<Move> evacuation = new ArrayList<>();
    Ring ring = Ring.of(targets);
    for (Address node : Ring.of(allShards.keySet()).nodes()) {
      if (targets.contains(node)) {
        continue;
      }
      Address successor = ring.successor(node);
      List<String> hosted = new ArrayList<>(allShards.get(node));
      hosted.sort(java.util.Comparator.naturalOrder());
      for (String shard : hosted) {
        evacuation.add(new Move(shard, node, successor));
      }
    }
    return List.copyOf(evacuation);
  }

  private static double rateOf(Map<String, Double> rates, String shard) {
    Double rate = rates.get(shard);
    return rate == null || rate < 0 ? 0 : rate;
  }

  /** Shard counts as a load map: the load of today's rebalance. */
  public static Map<Address, Integer> shardCounts(Map<Address, ? extends Collection<String>> shards) {
    Map<Address, Integer> counts = new java.util.HashMap<>();
    shards.forEach((node, hosted) -> counts.put(node, hosted.size()));
    return counts;
  }

  /** The live node with the lowest load, the first in ring order on a tie. */
  public static Address leastLoaded(Collection<Address> alive, Map<Address, ? extends Number> load) {
    Address best = null;
    for (Address node : Ring.of(alive).nodes()) {
      if (best == null || loadOf(load, node) < loadOf(load, best)) {
        best = node;
      }
    }
    if (best == null) {
      throw new IllegalArgumentException("no live node");
    }
    return best;
  }

  /**
   * The nodes of {@code live} that are not drained; all of {@code live} when every one is drained
   * (a shard must live somewhere).
   */
  private static Collection<Address> eligible(Collection<Address> live, Set<Address> drained) {
    if (drained.isEmpty()) {
      return live;
    }
    List<Address> eligible = new ArrayList<>();
    for (Address node : live) {
      if (!drained.contains(node)) {
        eligible.add(node);
      }
    }
    return eligible.isEmpty() ? live : eligible;
  }

  private static double loadOf(Map<Address, ? extends Number> load, Address node) {
    Number value = load.get(node);
    return value == null ? 0 : value.doubleValue();
  }

}
