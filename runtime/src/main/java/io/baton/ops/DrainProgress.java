package io.baton.ops;

/**
 * How far the drain of one node has come: it is complete when the node is drained and hosts no
 * shard, so that it can be stopped with no impact (docs/decisions/0011-drain.md).
 *
 * @param node the drained node's address
 * @param name its name, or its address when it did not report one
 * @param shardsLeft the shards it still hosts, or null when it did not answer (then the drain
 *     is not known to be complete)
 * @param shardsAtStart the shards it hosted when the drain was requested through this node's
 *     endpoint, or else the most this node has seen it host while drained; null when unknown
 * @param stopped the node is no longer a member (stopped after its drain, or down): it hosts
 *     nothing, and it stays drained, so a process started again on its address gets no shard
 *     until it is undrained
 * @param complete drained and hosting nothing
 */
public record DrainProgress(String node, String name, Integer shardsLeft, Integer shardsAtStart,
    boolean stopped, boolean complete) {

  /** A drain of a member that hosts {@code shardsLeft} shards now (null: unknown). */
  public static DrainProgress of(
      String node, String name, Integer shardsLeft, Integer shardsAtStart) {
    return new DrainProgress(node, name, shardsLeft, shardsAtStart, false,
        shardsLeft != null && shardsLeft == 0);
  }

  /** A drained node that is no longer a member: it hosts nothing. */
  public static DrainProgress ofStopped(String node, Integer shardsAtStart) {
    return new DrainProgress(node, node, 0, shardsAtStart, true, true);
  }
}
