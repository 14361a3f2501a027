package io.baton.ops;

import io.baton.journal.replication.ReplicationStatus;
import io.baton.journal.store.CommitStats;
import java.util.List;

/**
 * One node's answer to {@code GET /status}, serialized as JSON; {@link StatusCommand} reads the
 * same record back.
 *
 * @param node this node
 * @param members the cluster members this node knows of, in address order (just this node
 *     without a cluster)
 * @param ring the ring in owner order, as the journal places data: the members that are Up (or
 *     Leaving, which still own data until they are gone)
 * @param replication the journal's replication on this node, or null when this node does not use
 *     Baton's journal
 * @param store the group-commit counters of this node's journal store, or null likewise
 */
public record NodeStatus(
    Node node,
    List<Member> members,
    List<String> ring,
    ReplicationStatus replication,
    CommitStats store) {

  /**
   * This node.
   *
   * @param address its address, {@code pekko://<cluster>@host:port}
   * @param name its name ({@code baton.node.name}), or its address when none was given
   * @param version the Baton version it runs
   * @param uptimeSeconds seconds since its actor system started
   * @param clustered whether it runs with the cluster provider
   * @param status its own member status (Joining, Up, ...), or "Alone" without a cluster
   */
  public record Node(
      String address,
      String name,
      String version,
      long uptimeSeconds,
      boolean clustered,
      String status) {}

  /**
   * One cluster member, as this node sees it.
   *
   * @param address its address
   * @param status its member status: Joining, WeaklyUp, Up, Leaving, Exiting, Down, Removed, ...
   * @param reachable false when this node's failure detector (or another node's, through gossip)
   *     has marked it unreachable
   */
  public record Member(String address, String status, boolean reachable) {}
}
