package io.baton.journal.replication;

import java.util.List;

/**
 * What an operator needs to know about replication on one node.
 *
 * @param node this node
 * @param mode sync or async
 * @param factor the configured replication factor
 * @param ring the ring as this node sees it
 * @param replicas the nodes that hold copies of what this node writes
 * @param underReplicated true when fewer nodes than the factor hold this node's writes (the ring
 *     is too small): the data is not protected against the loss of this node
 * @param inFlight events sent to the replicas and not yet confirmed by them (the replication lag)
 * @param replicatedEvents events confirmed by replicas since start
 * @param catchUp the background catch-up of each replica target
 */
public record ReplicationStatus(
    String node,
    ReplicationMode mode,
    int factor,
    List<String> ring,
    List<String> replicas,
    boolean underReplicated,
    long inFlight,
    long replicatedEvents,
    List<CatchUp> catchUp,
    String integrity) {

  /**
   * The catch-up of one replica target.
   *
   * @param target the replica
   * @param entitiesBehind owned entities of which it still lacks events
   * @param entitiesInPass the entities the current (or last) pass found behind when it started:
   *     {@code entitiesInPass - entitiesBehind} of them are done
   * @param eventsCopied events sent to it by catch-up since start
   * @param caughtUp true once its last pass found nothing missing
   */
  public record CatchUp(String target, int entitiesBehind, int entitiesInPass, long eventsCopied,
      boolean caughtUp) {}
}
