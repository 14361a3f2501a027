package io.baton.journal.replication;

/**
 * A replica target left the ring (it was downed or removed) while a write waited for it. Not a
 * failure of the write: {@link JournalReplication#replicate} sends it to the ring's current
 * replica targets instead, so that a write is never held for the ack timeout by a node the
 * cluster already gave up on.
 */
final class ReplicaLeftRing extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ReplicaLeftRing(String message) {
    super(message, null, false, false);
  }
}
