package io.baton.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.Address;
import org.junit.jupiter.api.Test;

/**
 * The wait between load rebalance rounds ({@code baton.ring.load.settle-time}, decision 0012): the
 * two nodes of a load move count as unmeasured for one settle time, because their load reports
 * lag the move; so no second load move follows within it, and one does once it has passed if the
 * reports still show the imbalance. Time is a manual ticker: nothing here waits.
 */
class SettleTimeTest {

  private static final Address A = new Address("pekko", "baton", "10.0.0.1", 25520);
  private static final Address B = new Address("pekko", "baton", "10.0.0.2", 25520);
  private static final Duration SETTLE = Duration.ofSeconds(4);

  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  /** A hosts eight shards of 10 msg/s, B one of 1 msg/s: a gap far over the tolerance. */
  private final Map<Address, List<String>> shards = Map.of(
      A, List.of("a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8"), B, List.of("b1"));

  private RingSuccessorAllocation strategy() {
    Map<String, Double> onA = new HashMap<>();
    shards.get(A).forEach(shard -> onA.put(shard, 10.0));
    Map<Address, Map<String, Double>> reports = Map.of(A, onA, B, Map.of("b1", 1.0));
    return RingSuccessorAllocation.create(new ShardPlacement.Tolerance(1, 0.2, 5), "t")
        .withTicker(now::get)
        .withSettleTime(SETTLE)
        .withDrainedNodes(Set::of)
        .withShardRates(() -> reports);
  }

  /** Property: within one settle time of a load move nothing moves; after it, load moves again. */
  @Test
  void noSecondLoadMoveWithinTheSettleTimeOfTheFirst() {
    RingSuccessorAllocation strategy = strategy();
    Set<String> first = strategy.decideRebalance(shards, Set.of());
    assertEquals(Set.of("a6", "a7", "a8"), first, "half the gap of 79 msg/s: three 10 msg/s shards");

    // The reports still show the old load (they lag): deciding on them would move again.
    now.addAndGet(SETTLE.minusMillis(1).toNanos());
    assertEquals(Set.of(), strategy.decideRebalance(shards, Set.of()),
        "a load move within the settle time of the last one");

    now.addAndGet(Duration.ofMillis(1).toNanos());
    Set<String> later = strategy.decideRebalance(shards, Set.of());
    assertTrue(!later.isEmpty(), "the settle time has passed and the reports show the gap");
  }

  /** Property: with no settle time, the lagging reports make it move again at once. */
  @Test
  void withoutASettleTimeTheLaggingReportsMoveLoadAgainAtOnce() {
    RingSuccessorAllocation strategy = strategy().withSettleTime(Duration.ZERO);
    assertEquals(Set.of("a6", "a7", "a8"), strategy.decideRebalance(shards, Set.of()));
    now.addAndGet(Duration.ofMillis(1).toNanos());
    assertEquals(Set.of("a6", "a7", "a8"), strategy.decideRebalance(shards, Set.of()));
  }
}
