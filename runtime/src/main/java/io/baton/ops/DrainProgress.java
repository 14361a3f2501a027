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
 * @param complete drained and hosting nothing
 */
public record DrainProgress(
    String node, String name, Integer shardsLeft, Integer shardsAtStart, boolean complete) {

  /** A drain of a node that hosts {@code shardsLeft} shards now (null: unknown). */
  public static DrainProgress of(
      String node, String name, Integer shardsLeft, Integer shardsAtStart) {
    return new DrainProgress(node, name, shardsLeft, shardsAtStart,
        shardsLeft != null && shardsLeft == 0);
  }
}
