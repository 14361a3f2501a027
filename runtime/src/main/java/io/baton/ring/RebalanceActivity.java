package io.baton.ring;

/**
 * What the rebalancing of one entity type is doing, as seen by that type's {@link
 * RingSuccessorAllocation} on one node. Only the node that hosts the type's shard coordinator (the
 * oldest member) decides rebalances, so only its activity has rounds; on the other nodes every
 * count is 0 and {@code lastRound} is null.
 *
 * @param node the node that reports it
 * @param type the entity type
 * @param shardsMovingNow shards whose hand-off had started and not finished at the coordinator's
 *     last rebalance tick (including those that tick started)
 * @param rounds rebalance rounds that moved at least one shard since this node became coordinator
 * @param shardsMoved shards those rounds moved, in all
 * @param lastRound the latest such round, or null when there was none
 * @param balanced on the coordinator's node, whether its last rebalance tick found the type
 *     balanced: nothing moving, nothing to move, and no node's load report still settling after a
 *     move (a wait for measurements is not balance); null on the other nodes, and from nodes of an
 *     older Baton
 */
public record RebalanceActivity(String node, String type, int shardsMovingNow, long rounds,
    long shardsMoved, Round lastRound, Boolean balanced) {

  /** An activity that says nothing of balance (not the coordinator's node). */
  public RebalanceActivity(String node, String type, int shardsMovingNow, long rounds,
      long shardsMoved, Round lastRound) {
    this(node, type, shardsMovingNow, rounds, shardsMoved, lastRound, null);
  }

  /**
   * One rebalance round.
   *
   * @param atEpochMillis when it was decided (wall clock, for display)
   * @param kind {@code drain} (emptying a drained node), {@code load} (balancing measured
   *     messages per second) or {@code count} (balancing shard counts while no load is measured)
   * @param from the node the shards left
   * @param to the node they went to
   * @param shards how many moved
   */
  public record Round(long atEpochMillis, String kind, String from, String to, int shards) {}
}
