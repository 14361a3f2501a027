package io.baton.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.ring.ShardPlacement.Move;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Where shards go: dead owner to ring successor, new shard to requester, rebalance by halves. */
@Timeout(10)
class ShardPlacementTest {

  private static Address node(int port) {
    return new Address("pekko", "baton", "127.0.0.1", port);
  }

  private final Address a = node(2551);
  private final Address b = node(2552);
  private final Address c = node(2553);
  private final Address d = node(2554);

  private static List<String> shards(String prefix, int count) {
    List<String> result = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      result.add(prefix + i);
    }
    return result;
  }

  // ------------------------------------------------------------------ allocation

  /** Property: a dead node's shard goes to the node that holds its replicas. */
  @Test
  void aShardOfADeadNodeGoesToItsRingSuccessor() {
    assertEquals(c, ShardPlacement.allocate(List.of(a, c, d), a, b, null, Map.of()));
    assertEquals(b, ShardPlacement.allocate(List.of(b, c, d), d, a, null, Map.of(b, 100)));
  }

  @Test
  void theSuccessorOfTheLastNodeWrapsAroundToTheFirst() {
    assertEquals(a, ShardPlacement.allocate(List.of(a, b, c), null, d, null, Map.of(a, 50)));
  }

  @Test
  void whenTheSuccessorIsGoneTooTheNextLiveNodeTakesOver() {
    assertEquals(d, ShardPlacement.allocate(List.of(a, d), null, b, null, Map.of()));
  }

  @Test
  void aShardWhosePreviousOwnerStillLivesGoesBackThere() {
    assertEquals(b, ShardPlacement.allocate(List.of(a, b, c), c, b, null, Map.of(b, 9)));
  }

  @Test
  void aNewShardStartsOnTheRequestersNode() {
    assertEquals(c, ShardPlacement.allocate(List.of(a, b, c), c, null, null, Map.of(c, 9)));
  }

  @Test
  void aNewShardFromANonMemberGoesToTheLeastLoadedNodeFirstInRingOrderOnATie() {
    assertEquals(b, ShardPlacement.allocate(List.of(a, b, c), d, null, null, Map.of(a, 3, b, 1, c, 2)));
    assertEquals(b, ShardPlacement.allocate(List.of(c, b), null, null, null, Map.of()));
  }

  @Test
  void aPlannedMoveWinsOverThePreviousOwnerUnlessItsDestinationIsGone() {
    assertEquals(d, ShardPlacement.allocate(List.of(a, b, d), a, a, d, Map.of()));
    assertEquals(a, ShardPlacement.allocate(List.of(a, b), b, a, d, Map.of()));
  }

  @Test
  void withNoLiveNodeAllocationIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> ShardPlacement.allocate(List.of(), a, null, null, Map.of()));
  }

  // ------------------------------------------------------------------ rebalance

  private static Map<Address, List<String>> layout(Object... nodeAndShards) {
    Map<Address, List<String>> result = new LinkedHashMap<>();
    for (int i = 0; i < nodeAndShards.length; i += 2) {
      @SuppressWarnings("unchecked")
      List<String> hosted = (List<String>) nodeAndShards[i + 1];
      result.put((Address) nodeAndShards[i], hosted);
    }
    return result;
  }

  private static List<Move> rebalance(Map<Address, List<String>> layout, double tolerance) {
    return ShardPlacement.rebalance(layout, ShardPlacement.shardCounts(layout), Set.of(), tolerance);
  }

  /** Property: a node that joins empty gets about half of the busiest node's shards. */
  @Test
  void aJoiningNodeGetsHalfOfTheBusiestNodesShards() {
    var layout = layout(a, shards("a", 10), b, shards("b", 20), c, List.of());
    List<Move> moves = rebalance(layout, 2);
    assertEquals(10, moves.size());
    assertTrue(moves.stream().allMatch(m -> m.from().equals(b) && m.to().equals(c)), "" + moves);
    assertTrue(layout.get(b).containsAll(moves.stream().map(Move::shard).toList()));
  }

  /** Rounds converge: apply each round's moves; it stops within the tolerance, never flips. */
  @Test
  void repeatedRoundsStopWhenBalancedWithinTheTolerance() {
    Map<Address, List<String>> layout =
        new HashMap<>(layout(a, shards("a", 37), b, shards("b", 5), c, shards("c", 1)));
    int rounds = 0;
    List<Move> moves;
    while (!(moves = rebalance(layout, 2)).isEmpty()) {
      assertTrue(++rounds < 20, "no convergence: " + layout);
      for (Move move : moves) {
        layout.put(move.from(), new ArrayList<>(layout.get(move.from())));
        layout.get(move.from()).remove(move.shard());
        layout.put(move.to(), new ArrayList<>(layout.get(move.to())));
        layout.get(move.to()).add(move.shard());
      }
    }
    int max = layout.values().stream().mapToInt(List::size).max().orElseThrow();
    int min = layout.values().stream().mapToInt(List::size).min().orElseThrow();
    assertTrue(max - min <= 2, "not balanced: " + layout);
    assertEquals(43, layout.values().stream().mapToInt(List::size).sum());
  }

  @Test
  void atTheToleranceNothingMovesAndOneAboveItSomethingDoes() {
    assertEquals(List.of(), rebalance(layout(a, shards("a", 5), b, shards("b", 3)), 2));
    assertEquals(1, rebalance(layout(a, shards("a", 6), b, shards("b", 3)), 2).size());
  }

  /** Property: never two moves of the same shard at once. */
  @Test
  void nothingMovesWhileAMoveIsInProgress() {
    var layout = layout(a, shards("a", 10), b, List.of());
    assertEquals(
        List.of(),
        ShardPlacement.rebalance(layout, ShardPlacement.shardCounts(layout), Set.of("a3"), 0));
    List<Move> moves = rebalance(layout, 0);
    assertEquals(5, moves.size());
    assertEquals(5, new HashSet<>(moves.stream().map(Move::shard).toList()).size());
  }

  @Test
  void tiesBetweenBusiestNodesGoToTheFirstInRingOrder() {
    var layout = layout(c, shards("c", 8), a, shards("a", 8), b, List.of());
    List<Move> moves = rebalance(layout, 0);
    assertEquals(4, moves.size());
    assertTrue(moves.stream().allMatch(m -> m.from().equals(a) && m.to().equals(b)), "" + moves);
  }

  @Test
  void aLoadMapOtherThanShardCountsDecidesTheShareToMove() {
    // b hosts 10 shards but carries 4 times a's message rate: move 10 * (400-100) / 800 = 3.
    var layout = layout(a, shards("a", 10), b, shards("b", 10));
    List<Move> moves =
        ShardPlacement.rebalance(layout, Map.of(a, 100.0, b, 400.0), Set.of(), 50);
    assertEquals(3, moves.size());
    assertTrue(moves.stream().allMatch(m -> m.from().equals(b)));
  }

  @Test
  void aSingleNodeOrANegativeToleranceIsHandled() {
    assertEquals(List.of(), rebalance(layout(a, shards("a", 10)), 0));
    assertThrows(IllegalArgumentException.class, () -> rebalance(layout(a, List.of()), -1));
  }

  // ------------------------------------------------------------------ drain

  private static List<Move> rebalance(
      Map<Address, List<String>> layout, double tolerance, Set<Address> drained) {
    return ShardPlacement.rebalance(
        layout, ShardPlacement.shardCounts(layout), Set.of(), tolerance, drained);
  }

  /** Property: nothing is allocated to a drained node, whatever rule would have chosen it. */
  @Test
  void aDrainedNodeIsNeverChosenForAShard() {
    Set<Address> drained = Set.of(b);
    // Requester, previous owner and planned destination are all the drained node.
    assertEquals(c, ShardPlacement.allocate(List.of(a, b, c), b, b, b, Map.of(), drained));
    // A new shard asked for by the drained node goes to the least-loaded other node.
    assertEquals(a, ShardPlacement.allocate(List.of(a, b, c), b, null, null,
        Map.of(a, 1, c, 5), drained));
    // A shard of a dead node whose successor is drained goes to the next node after it.
    assertEquals(c, ShardPlacement.allocate(List.of(b, c), null, a, null, Map.of(), drained));
  }

  @Test
  void whenEveryNodeIsDrainedShardsStillFindAHome() {
    assertEquals(a, ShardPlacement.allocate(List.of(a), a, null, null, Map.of(), Set.of(a)));
  }

  /** Property: a drained node's shards all go to its ring successor, which holds their events. */
  @Test
  void rebalanceMovesEveryShardOfADrainedNodeToItsRingSuccessor() {
    var layout = layout(a, shards("a", 5), b, shards("b", 4), c, shards("c", 5));
    List<Move> moves = rebalance(layout, 2, Set.of(b));
    assertEquals(4, moves.size(), moves.toString());
    for (Move move : moves) {
      assertEquals(b, move.from());
      assertEquals(c, move.to());
    }
    // The last node's successor wraps around; a drained successor is skipped.
    moves = rebalance(layout(a, shards("a", 1), b, shards("b", 1), c, shards("c", 3)), 2,
        Set.of(a, c));
    assertEquals(Set.of(new Move("a0", a, b), new Move("c0", c, b), new Move("c1", c, b),
        new Move("c2", c, b)), new HashSet<>(moves));
  }

  @Test
  void anEmptyDrainedNodeIsLeftOutOfBalancing() {
    var layout = layout(a, shards("a", 12), b, List.of(), c, shards("c", 4));
    List<Move> moves = rebalance(layout, 2, Set.of(b));
    assertTrue(moves.stream().allMatch(m -> m.from().equals(a) && m.to().equals(c)), moves + "");
    assertEquals(4, moves.size());
  }

  /** Property: undraining a node gives it back about half of the busiest node's shards. */
  @Test
  void anUndrainedNodeGetsHalfOfTheBusiestNodesShards() {
    var layout = layout(a, shards("a", 8), b, List.of(), c, shards("c", 16));
    List<Move> moves = rebalance(layout, 2, Set.of());
    assertEquals(8, moves.size());
    assertTrue(moves.stream().allMatch(m -> m.from().equals(c) && m.to().equals(b)), moves + "");
  }

  // ------------------------------------------------------------------ rebalance by measured load

  private static final ShardPlacement.Tolerance EVEN_WITHIN_20_PERCENT =
      new ShardPlacement.Tolerance(2, 0.2, 1.0);

  /** Rates of the given shards, all {@code rate} messages per second. */
  private static Map<String, Double> rates(List<String> shards, double rate) {
    Map<String, Double> rates = new HashMap<>();
    shards.forEach(shard -> rates.put(shard, rate));
    return rates;
  }

  private static double sum(Map<String, Double> rates, List<Move> moves) {
    return moves.stream().mapToDouble(m -> rates.getOrDefault(m.shard(), 0.0)).sum();
  }

  /** Applies the moves to a layout and returns the new layout. */
  private static Map<Address, List<String>> apply(Map<Address, List<String>> layout,
      List<Move> moves) {
    Map<Address, List<String>> next = new HashMap<>();
    layout.forEach((node, hosted) -> next.put(node, new ArrayList<>(hosted)));
    for (Move move : moves) {
      assertTrue(next.get(move.from()).remove(move.shard()), move + " of a shard not there");
      next.get(move.to()).add(move.shard());
    }
    return next;
  }

  /**
   * Property: a new empty node gets about half of the busiest node's load, the busiest node by
   * messages per second, not by shard count.
   */
  @Test
  void aJoiningNodeGetsHalfOfTheBusiestNodesLoadNotOfTheMostShards() {
    // a hosts more shards, b carries more load.
    Map<String, Double> rates = new HashMap<>(rates(shards("a", 20), 1.0));
    rates.putAll(rates(shards("b", 10), 10.0));
    var layout = layout(a, shards("a", 20), b, shards("b", 10), c, List.of());
    List<Move> moves = ShardPlacement.rebalanceByLoad(layout, rates, Set.of(),
        EVEN_WITHIN_20_PERCENT, Set.of());
    assertTrue(moves.stream().allMatch(m -> m.from().equals(b) && m.to().equals(c)), "" + moves);
    assertEquals(50.0, sum(rates, moves), 1e-9);
    assertEquals(5, moves.size());
  }

  /** With uneven shard rates it picks the shards whose rates add up to about half the gap. */
  @Test
  void unevenShardRatesMoveTheHotShardsThatFitInHalfTheGap() {
    // b: one shard of 60, two of 20, ten of 1 = 110 msg/s; c is empty. Half the gap: 55.
    Map<String, Double> rates = new HashMap<>();
    rates.put("hot", 60.0);
    rates.put("warm1", 20.0);
    rates.put("warm2", 20.0);
    List<String> onB = new ArrayList<>(List.of("hot", "warm1", "warm2"));
    for (String cold : shards("cold", 10)) {
      rates.put(cold, 1.0);
      onB.add(cold);
    }
    var layout = layout(a, shards("a", 4), b, onB, c, List.of());
    rates.putAll(rates(shards("a", 4), 5.0)); // a: 20 msg/s
    List<Move> moves = ShardPlacement.rebalanceByLoad(layout, rates, Set.of(),
        EVEN_WITHIN_20_PERCENT, Set.of());
    // The hot shard alone would overshoot half the gap (60 > 55): the two warm ones and cold ones.
    assertTrue(moves.stream().noneMatch(m -> m.shard().equals("hot")), "" + moves);
    assertTrue(moves.stream().allMatch(m -> m.from().equals(b) && m.to().equals(c)), "" + moves);
    double moved = sum(rates, moves);
    assertTrue(moved <= 55 && moved >= 50, "moved " + moved + ": " + moves);
    assertEquals(Set.of("warm1", "warm2"), moves.stream().map(Move::shard)
        .filter(s -> s.startsWith("warm")).collect(java.util.stream.Collectors.toSet()));
  }

  /**
   * Property: repeated rounds converge to loads even within the tolerance, the busiest node of a
   * round never ends the round below the node it gave to (no back and forth), and then stop.
   */
  @Test
  void repeatedRoundsByLoadStopWithinTheToleranceWithoutTradingBack() {
    Map<String, Double> rates = new HashMap<>();
    java.util.Random random = new java.util.Random(42);
    List<String> all = shards("s", 60);
    for (String shard : all) {
      rates.put(shard, 1 + random.nextInt(20) * 1.0);
    }
    Map<Address, List<String>> layout = new HashMap<>(layout(a, all.subList(0, 40), b,
        all.subList(40, 60), c, List.of(), d, List.of()));
    int rounds = 0;
    List<Move> moves;
    while (!(moves = ShardPlacement.rebalanceByLoad(layout, rates, Set.of(),
        EVEN_WITHIN_20_PERCENT, Set.of())).isEmpty()) {
      assertTrue(++rounds < 30, "no convergence: " + layout);
      Address from = moves.get(0).from();
      Address to = moves.get(0).to();
      layout = apply(layout, moves);
      Map<Address, Double> load = ShardPlacement.nodeLoads(layout, rates);
      assertTrue(load.get(from) >= load.get(to), "round " + rounds + " flipped " + load);
    }
    Map<Address, Double> load = ShardPlacement.nodeLoads(layout, rates);
    double high = load.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    double low = load.values().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    double biggestShard = rates.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    // Even within the tolerance, or as even as whole shards allow.
    assertTrue(high - low <= 0.2 * high || high - low <= 2 * biggestShard,
        "not balanced: " + load);
    assertEquals(60, layout.values().stream().mapToInt(List::size).sum());
    assertTrue(rounds >= 3, "expected several rounds, took " + rounds);
  }

  @Test
  void withinTheLoadToleranceNothingMovesAndJustAboveItSomethingDoes() {
    var layout = layout(a, shards("a", 10), b, shards("b", 10));
    Map<String, Double> rates = new HashMap<>(rates(shards("a", 10), 10.0)); // 100 msg/s
    rates.putAll(rates(shards("b", 10), 8.0)); // 80 msg/s: gap 20 = 0.2 * 100
    assertEquals(List.of(), ShardPlacement.rebalanceByLoad(layout, rates, Set.of(),
        EVEN_WITHIN_20_PERCENT, Set.of()));
    rates.putAll(rates(shards("b", 10), 7.0)); // 70 msg/s: gap 30 > 20, half of it 15: one shard
    List<Move> moves = ShardPlacement.rebalanceByLoad(layout, rates, Set.of(),
        EVEN_WITHIN_20_PERCENT, Set.of());
    assertEquals(1, moves.size(), "" + moves);
    assertEquals(a, moves.get(0).from());
  }

  /**
   * Property: a node that rejoined empty (undrained after an upgrade) gets half the busiest node's
   * load first, then rounds that move no load give it its share of the idle shards, until the
   * idle-shard counts are within the shard tolerance; the load balance is kept throughout.
   */
  @Test
  void aRejoinedNodeGetsItsLoadFirstThenItsShareOfTheIdleShards() {
    Map<String, Double> rates = new HashMap<>();
    List<String> onA = new ArrayList<>();
    List<String> onB = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String shard = "s" + i;
      (i % 2 == 0 ? onA : onB).add(shard);
      rates.put(shard, i < 8 ? 10.0 : 0.0); // 8 hot shards, 32 idle
    }
    Map<Address, List<String>> layout = new HashMap<>(layout(a, onA, b, onB, c, List.of()));
    int rounds = 0;
    List<Move> moves;
    boolean loadFirst = true;
    while (!(moves = ShardPlacement.rebalanceByLoad(layout, rates, Set.of(),
        EVEN_WITHIN_20_PERCENT, Set.of())).isEmpty()) {
      assertTrue(++rounds < 30, "no convergence: " + layout);
      double movedLoad = sum(rates, moves);
      if (rounds == 1) {
        assertTrue(movedLoad > 0 && moves.stream().allMatch(m -> m.to().equals(c)),
            "the first round moves load to the empty node: " + moves);
      } else if (movedLoad == 0) {
        loadFirst = false; // idle rounds come after every load round
      } else {
        assertTrue(loadFirst, "a load move after an idle move: " + moves);
      }
      layout = apply(layout, moves);
    }
    Map<Address, Long> idle = new HashMap<>();
    layout.forEach((node, hosted) -> idle.put(node,
        hosted.stream().filter(s -> rates.get(s) == 0.0).count()));
    long most = idle.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    long fewest = idle.values().stream().mapToLong(Long::longValue).min().orElseThrow();
    assertTrue(most - fewest <= EVEN_WITHIN_20_PERCENT.shards(), "idle shards uneven: " + idle);
    assertTrue(idle.get(c) >= 8, "the rejoined node got too few idle shards: " + idle);
    assertEquals(40, layout.values().stream().mapToInt(List::size).sum());
  }

  /** A round that can move only a sliver of the load (coarse shards, noise) moves nothing. */
  @Test
  void aMoveSmallerThanHalfTheToleranceIsNotWorthAHandOff() {
    // a: 100 msg/s in one shard of 92 and one of 8; b: 70. Gap 30 > 20; half of it, 15, fits
    // only the shard of 8, less than 0.1 * 100.
    var layout = layout(a, List.of("big", "small"), b, shards("b", 7));
    Map<String, Double> rates = new HashMap<>(rates(shards("b", 7), 10.0));
    rates.put("big", 92.0);
    rates.put("small", 8.0);
    assertEquals(List.of(), ShardPlacement.rebalanceByLoad(layout, rates, Set.of(),
        EVEN_WITHIN_20_PERCENT, Set.of()));
    rates.put("big", 88.0);
    rates.put("small", 12.0); // 12 >= 10: worth it
    assertEquals(List.of(new Move("small", a, b)), ShardPlacement.rebalanceByLoad(layout, rates,
        Set.of(), EVEN_WITHIN_20_PERCENT, Set.of()));
  }

  /** Property: never two moves of the same shard at once, by load as by count. */
  @Test
  void byLoadNothingMovesWhileAMoveIsInProgress() {
    var layout = layout(a, shards("a", 10), b, List.of());
    Map<String, Double> rates = rates(shards("a", 10), 10.0);
    assertEquals(List.of(), ShardPlacement.rebalanceByLoad(layout, rates, Set.of("a3"),
        EVEN_WITHIN_20_PERCENT, Set.of()));
    List<Move> moves = ShardPlacement.rebalanceByLoad(layout, rates, Set.of(),
        EVEN_WITHIN_20_PERCENT, Set.of());
    assertEquals(5, new HashSet<>(moves.stream().map(Move::shard).toList()).size());
  }

  /** A cold cluster (no load measured, or too little to trust) balances shard counts. */
  @Test
  void withoutMeasuredLoadItFallsBackToShardCounts() {
    var layout = layout(a, shards("a", 10), b, shards("b", 20), c, List.of());
    List<Move> cold = ShardPlacement.rebalanceByLoad(layout, Map.of(), Set.of(),
        EVEN_WITHIN_20_PERCENT, Set.of());
    assertEquals(rebalance(layout, 2), cold);
    assertEquals(10, cold.size());
    // Below the threshold too: 0.5 msg/s in total.
    List<Move> tooLittle = ShardPlacement.rebalanceByLoad(layout, Map.of("a1", 0.5), Set.of(),
        EVEN_WITHIN_20_PERCENT, Set.of());
    assertEquals(cold, tooLittle);
    // With load measured, the shard counts do not matter: here a carries it all.
    List<Move> warm = ShardPlacement.rebalanceByLoad(layout, rates(shards("a", 10), 3.0),
        Set.of(), EVEN_WITHIN_20_PERCENT, Set.of());
    assertTrue(warm.stream().allMatch(m -> m.from().equals(a)), "" + warm);
  }

  @Test
  void byLoadADrainedNodeIsEmptiedFirstOntoItsSuccessor() {
    var layout = layout(a, shards("a", 3), b, shards("b", 2), c, List.of());
    List<Move> moves = ShardPlacement.rebalanceByLoad(layout, rates(shards("a", 3), 50.0),
        Set.of(), EVEN_WITHIN_20_PERCENT, Set.of(b));
    assertEquals(Set.of(new Move("b0", b, c), new Move("b1", b, c)), new HashSet<>(moves));
  }

  @Test
  void badTolerancesAreRefusedNamingTheKey() {
    var error = assertThrows(IllegalArgumentException.class,
        () -> new ShardPlacement.Tolerance(2, 1.5, 1));
    assertTrue(error.getMessage().contains("load-tolerance = 1.5"), error.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ShardPlacement.Tolerance(-1, 0.2, 1));
    assertThrows(IllegalArgumentException.class, () -> new ShardPlacement.Tolerance(2, 0.2, -1));
  }

  /**
   * Property: a node whose load report has not arrived is not mistaken for an idle one: nothing
   * moves while it hosts shards; once it reports, balancing goes on.
   */
  @Test
  void whileANodeHostingShardsHasNotReportedItsLoadNothingMoves() {
    var layout = layout(a, shards("a", 10), b, shards("b", 10), c, List.of());
    Map<String, Double> rates = rates(shards("a", 10), 10.0); // b's shards: no report yet
    assertEquals(List.of(), ShardPlacement.rebalanceByLoad(layout, rates, Set.of(b), Set.of(),
        EVEN_WITHIN_20_PERCENT, Set.of()));
    // An empty node that has not reported is no obstacle: it carries nothing either way.
    List<Move> moves = ShardPlacement.rebalanceByLoad(layout(a, shards("a", 10), c, List.of()),
        rates, Set.of(c), Set.of(), EVEN_WITHIN_20_PERCENT, Set.of());
    assertEquals(5, moves.size());
    // In a cold cluster the shard counts decide, reports or not.
    assertEquals(rebalance(layout, 2), ShardPlacement.rebalanceByLoad(layout, Map.of(), Set.of(b),
        Set.of(), EVEN_WITHIN_20_PERCENT, Set.of()));
  }
}
