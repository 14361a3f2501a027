package io.baton.upgrade.rolling;

import java.util.List;

/**
 * How {@link RollingUpgrade} takes one node to the new jar (VISION.md, algorithms 1 and 4).
 *
 * <ul>
 *   <li>{@link #GRACEFUL}: drain the node, wait until it holds no shard, stop it (SIGTERM),
 *       start it on the new jar, wait until it is healthy and caught up, undrain it, wait until it
 *       holds shards again. No request fails: its shards move before it stops.
 *   <li>{@link #CRASH}: kill it (SIGKILL), wait until the cluster has removed it and it holds no
 *       shard (its successor took over), start it on the new jar, wait until it is healthy and
 *       caught up, wait until it holds shards again. Requests in flight to it are retried by
 *       clients; no acknowledged event is lost (the replica holds it).
 * </ul>
 */
public enum UpgradeMode {
  GRACEFUL(List.of(UpgradePhase.DRAIN, UpgradePhase.AWAIT_DRAINED, UpgradePhase.STOP,
      UpgradePhase.START, UpgradePhase.AWAIT_HEALTHY, UpgradePhase.AWAIT_CAUGHT_UP,
      UpgradePhase.UNDRAIN, UpgradePhase.AWAIT_SHARDS)),
  CRASH(List.of(UpgradePhase.KILL, UpgradePhase.AWAIT_TAKEOVER, UpgradePhase.START,
      UpgradePhase.AWAIT_HEALTHY, UpgradePhase.AWAIT_CAUGHT_UP, UpgradePhase.AWAIT_SHARDS));

  private final List<UpgradePhase> phases;

  UpgradeMode(List<UpgradePhase> phases) {
    this.phases = phases;
  }

  /** The phases one node goes through, in order. */
  public List<UpgradePhase> phases() {
    return phases;
  }
}
