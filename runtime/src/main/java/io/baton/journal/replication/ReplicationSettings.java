package io.baton.journal.replication;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How the journal replicates, read from {@code baton.journal.replication} (documented in the
 * runtime's {@code reference.conf}).
 *
 * @param mode synchronous (default) or asynchronous acknowledgement
 * @param factor how many nodes hold each event: the owner and its next {@code factor - 1} ring
 *     successors (fewer while the ring is smaller)
 * @param ackTimeout how long a write waits for its replicas before it fails
 * @param catchUpBatchSize events per message when a replica is brought up to date
 * @param maxAsyncLag in async mode, the most events the replicas may be behind before writes wait
 *     for them (which bounds both the loss window and the backlog)
 */
public record ReplicationSettings(
    ReplicationMode mode, int factor, Duration ackTimeout, int catchUpBatchSize,
    long maxAsyncLag) {

  public ReplicationSettings {
    if (factor < 1) {
      throw new IllegalArgumentException(
          "baton.journal.replication.factor must be at least 1 (1 = no replication), was "
              + factor);
    }
    if (ackTimeout.isNegative() || ackTimeout.isZero()) {
      throw new IllegalArgumentException(
          "baton.journal.replication.ack-timeout must be positive, was " + ackTimeout);
    }
    if (maxAsyncLag < 1) {
      throw new IllegalArgumentException(
          "baton.journal.replication.max-async-lag must be at least 1, was " + maxAsyncLag);
    }
    if (catchUpBatchSize < 1) {
      throw new IllegalArgumentException(
          "baton.journal.replication.catch-up-batch-size must be at least 1, was "
              + catchUpBatchSize);
    }
  }

  /** Reads the settings from a {@code replication} block. */
  public static ReplicationSettings fromConfig(Config replication) {
    String mode = replication.getString("mode");
    ReplicationMode parsed;
    try {
      parsed = ReplicationMode.valueOf(mode.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "baton.journal.replication.mode is '" + mode + "'; allowed: sync, async", e);
    }
    return new ReplicationSettings(
        parsed,
        replication.getInt("factor"),
        replication.getDuration("ack-timeout"),
        replication.getInt("catch-up-batch-size"),
        replication.getLong("max-async-lag"));
  }
}
