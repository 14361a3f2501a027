package io.baton.upgrade.rolling;

/**
 * One progress event of a {@link RollingUpgrade}: a phase starts, or what it waits for changed.
 *
 * @param index the node's place in the upgrade order, 1 first; 0 for {@link
 *     UpgradePhase#PREFLIGHT}, which concerns the cluster
 * @param total how many nodes this run upgrades
 * @param node the node's name
 * @param phase the phase under way
 * @param detail what was seen, in one line (e.g. "12 shards left", "exited with status 1")
 * @param shardsLeft the shards the node still hosts while it drains or is taken over, else null
 * @param shardsMoved the shards moved off it so far (drain), or back to it (undrain), else null
 * @param replicationLag events the cluster's owners sent to replicas and that are not yet
 *     confirmed, summed, while waiting for catch-up; else null
 */
public record UpgradeProgress(int index, int total, String node, UpgradePhase phase,
    String detail, Integer shardsLeft, Integer shardsMoved, Long replicationLag) {

  /** {@code [node 2 of 3] node2 AWAIT_DRAINED: 4 shards left}. */
  public String render() {
    if (index == 0) {
      return "[" + phase + "] " + node + (detail == null || detail.isEmpty() ? "" : ": " + detail);
    }
    return "[node " + index + " of " + total + "] " + node + " " + phase
        + (detail == null || detail.isEmpty() ? "" : ": " + detail);
  }
}
