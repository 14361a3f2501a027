package io.baton.upgrade.rolling;

/**
 * One step of upgrading one node; {@link UpgradeMode#phases} lists them in order. Every phase that
 * waits has a deadline ({@link UpgradeDeadlines}).
 */
public enum UpgradePhase {
  /** Before any node: the nodes answer, their order, and for a rollback the version gate. */
  PREFLIGHT,
  /** Ask the cluster to move every shard off the node ({@code POST /drain/{node}}). */
  DRAIN,
  /** Wait until the drained node hosts no shard. */
  AWAIT_DRAINED,
  /** Stop the node's process (SIGTERM, then SIGKILL after a timeout) and wait until it left. */
  STOP,
  /** Kill the node's process with SIGKILL. */
  KILL,
  /** Wait until the cluster removed the killed node and it hosts no shard: others took over. */
  AWAIT_TAKEOVER,
  /** Start the node on the new jar. */
  START,
  /** Wait until the new process answers {@code /health} 200, is Up, and runs the expected app. */
  AWAIT_HEALTHY,
  /** Wait until no ring member is under-replicated and every catch-up involving it is complete. */
  AWAIT_CAUGHT_UP,
  /** End the node's drain ({@code POST /undrain/{node}}). */
  UNDRAIN,
  /** Wait until the node hosts shards again. */
  AWAIT_SHARDS,
  /** The node is upgraded. */
  DONE
}
