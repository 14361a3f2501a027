package io.baton.journal.replication;

import io.baton.journal.store.EventRecord;
import io.baton.journal.store.SnapshotCriteria;
import io.baton.journal.store.SnapshotRecord;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The protocol between a node's journal and the {@link ReplicaEndpoint}s of its replica set.
 * Every message crosses nodes as CBOR through Pekko's Jackson serializer (bound in the runtime's
 * {@code reference.conf}); event payloads travel as the same bytes the owner stored.
 */
public sealed interface ReplicationMessage {

  /**
   * Store these events, written by {@code owner} under the given epochs (one per persistence id).
   * Each entity's events are stored, or refused, on their own: those of an entity for which the
   * replica holds a higher epoch are refused, and named in the answer.
   */
  record Replicate(
      String owner,
      List<EventRecord> events,
      Map<String, Long> epochs,
      ActorRef<ReplicateReply> replyTo)
      implements ReplicationMessage {}

  /** The answer to {@link Replicate}. */
  sealed interface ReplicateReply extends ReplicationMessage {}

  /**
   * The events are durable on the replica, except those of the entities in {@code fenced}
   * (persistence id to the epoch held there), which were refused.
   */
  record Replicated(String replica, Map<String, Long> fenced) implements ReplicateReply {}

  /** Refused: the replica holds a newer epoch for {@code persistenceId}, so the sender is stale. */
  record Fenced(String replica, String persistenceId, long sentEpoch, long currentEpoch)
      implements ReplicateReply {}

  /** The replica could not store the events; {@code reason} says why. */
  record ReplicaFailed(String replica, String reason) implements ReplicateReply {}

  /**
   * Raise the fencing epoch of {@code persistenceId} to {@code epoch} if it is higher than the one
   * held: a new owner does this on every replica before it replays, so that an older owner can no
   * longer write. The reply's {@code epoch} is the one held <em>before</em>: the raise was this
   * sender's alone exactly when that is lower than {@code epoch}.
   */
  record RaiseEpoch(String persistenceId, long epoch, String owner, ActorRef<EpochState> replyTo)
      implements ReplicationMessage {}

  /** Tell the epoch and highest sequence number held for {@code persistenceId}. */
  record QueryEpoch(String persistenceId, ActorRef<EpochState> replyTo)
      implements ReplicationMessage {}

  /**
   * What a replica holds for one persistence id: its epoch, and the highest sequence number up to
   * which it holds every event without a gap (what it can serve to a new owner).
   */
  record EpochState(
      String replica,
      String persistenceId,
      long epoch,
      long contiguousSequenceNr,
      long latestSnapshotSequenceNr)
      implements ReplicationMessage {}

  /** Store this snapshot (a copy of one the owner saved). */
  record SaveSnapshot(SnapshotRecord snapshot, ActorRef<ReplicateReply> replyTo)
      implements ReplicationMessage {}

  /** Delete the snapshots of {@code persistenceId} matching {@code criteria}. */
  record DeleteSnapshots(
      String persistenceId, SnapshotCriteria criteria, ActorRef<ReplicateReply> replyTo)
      implements ReplicationMessage {}

  /** Send the latest snapshot of {@code persistenceId}, if any. */
  record ReadLatestSnapshot(String persistenceId, ActorRef<SnapshotReply> replyTo)
      implements ReplicationMessage {}

  /** The answer to {@link ReadLatestSnapshot}: {@code snapshot} is null when there is none. */
  record SnapshotReply(String replica, SnapshotRecord snapshot, String error)
      implements ReplicationMessage {}

  /** Send the stored events of {@code persistenceId} in {@code [from, to]}, at most {@code max}. */
  record ReadRange(
      String persistenceId, long from, long to, int max, ActorRef<RangeReply> replyTo)
      implements ReplicationMessage {}

  /** Events read for a {@link ReadRange}; {@code error} is set, and events empty, if it failed. */
  record RangeReply(String replica, List<EventRecord> events, String error)
      implements ReplicationMessage {}

  /** Delete the events of {@code persistenceId} up to {@code toSequenceNr}. */
  record DeleteTo(String persistenceId, long toSequenceNr, ActorRef<ReplicateReply> replyTo)
      implements ReplicationMessage {}

  /**
   * Tell, for each of these persistence ids, the sequence number up to which every event is held
   * without a gap (0 when none), so a catch-up knows from where the replica lacks events.
   */
  record QueryHighest(List<String> persistenceIds, ActorRef<Highest> replyTo)
      implements ReplicationMessage {}

  /** The answer to {@link QueryHighest}. */
  record Highest(String replica, Map<String, Long> contiguousSequenceNrs)
      implements ReplicationMessage {}

  /**
   * Tell what this node holds, a page at a time: up to {@code max} persistence ids after {@code
   * after} (empty: from the first). A node whose store was damaged asks this of every member to
   * find what it lost ({@link StoreRepair}).
   */
  record ListHeld(String after, int max, ActorRef<Held> replyTo) implements ReplicationMessage {}

  /** One page of {@link ListHeld}; {@code more} when the replica holds further ids. */
  record Held(String replica, List<HeldEntity> entities, boolean more, String error)
      implements ReplicationMessage {}

  /** What a replica holds of one entity: its epoch, and its events 1..contiguous without a gap. */
  record HeldEntity(String persistenceId, long epoch, long contiguousSequenceNr) {}
}
