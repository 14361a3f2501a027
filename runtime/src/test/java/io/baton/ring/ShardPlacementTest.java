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
}
