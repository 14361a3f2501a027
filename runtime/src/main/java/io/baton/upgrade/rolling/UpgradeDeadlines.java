package io.baton.upgrade.rolling;

import java.time.Duration;
import java.util.Objects;

/**
 * How long each waiting phase of {@link RollingUpgrade} may take before the upgrade stops with a
 * report, and how often it polls. Immutable; every value must be positive.
 *
 * @param drain {@link UpgradePhase#AWAIT_DRAINED}: until the node hosts no shard
 * @param stop {@link UpgradePhase#STOP}: for the process to exit after SIGTERM (then SIGKILL) and
 *     for the cluster to see it gone; also {@link UpgradePhase#AWAIT_TAKEOVER} after a kill
 * @param start {@link UpgradePhase#AWAIT_HEALTHY}: for the new process to be Up and healthy
 * @param catchUp {@link UpgradePhase#AWAIT_CAUGHT_UP}
 * @param shards {@link UpgradePhase#AWAIT_SHARDS}
 * @param poll the interval between two looks at the cluster
 */
public record UpgradeDeadlines(Duration drain, Duration stop, Duration start, Duration catchUp,
    Duration shards, Duration poll) {

  /** 5 minutes to drain, 2 to stop, 3 to start, 5 to catch up, 2 to get shards; poll every 1 s. */
  public static final UpgradeDeadlines DEFAULT = new UpgradeDeadlines(Duration.ofMinutes(5),
      Duration.ofMinutes(2), Duration.ofMinutes(3), Duration.ofMinutes(5), Duration.ofMinutes(2),
      Duration.ofSeconds(1));

  /** Validates every value. */
  public UpgradeDeadlines {
    positive("drain", drain);
    positive("stop", stop);
    positive("start", start);
    positive("catchUp", catchUp);
    positive("shards", shards);
    positive("poll", poll);
  }

  public UpgradeDeadlines withDrain(Duration value) {
    return new UpgradeDeadlines(value, stop, start, catchUp, shards, poll);
  }

  public UpgradeDeadlines withStop(Duration value) {
    return new UpgradeDeadlines(drain, value, start, catchUp, shards, poll);
  }

  public UpgradeDeadlines withStart(Duration value) {
    return new UpgradeDeadlines(drain, stop, value, catchUp, shards, poll);
  }

  public UpgradeDeadlines withCatchUp(Duration value) {
    return new UpgradeDeadlines(drain, stop, start, value, shards, poll);
  }

  public UpgradeDeadlines withShards(Duration value) {
    return new UpgradeDeadlines(drain, stop, start, catchUp, value, poll);
  }

  public UpgradeDeadlines withPoll(Duration value) {
    return new UpgradeDeadlines(drain, stop, start, catchUp, shards, value);
  }

  private static void positive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("upgrade deadline " + name + " = " + value
          + " is not allowed: it must be a positive duration");
    }
  }
}
