package io.baton.journal.replication;

/** When the journal acknowledges a write to the behaviour ({@code persist} completes). */
public enum ReplicationMode {
  /**
   * Only when every node of the current replica set has made the write durable: an acknowledged
   * event survives the crash of any one node. The default.
   */
  SYNC,
  /**
   * As soon as the owner's own write is durable; the replicas are sent the write at the same time
   * and acknowledge later. Events acknowledged but not yet replicated when the owner crashes are
   * lost: the loss window is the replication lag.
   */
  ASYNC
}
