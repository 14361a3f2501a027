package io.baton.ops;

import io.baton.journal.replication.ReplicationStatus;
import io.baton.journal.store.CommitStats;
import java.util.List;
import java.util.Map;

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
 * @param nodes every member (ring members first, in ring order, then the others in address
 *     order) with what it reported of itself: shards, entities, drain, replication lag, versions
 * @param progress the long operations under way in the cluster: drains and replica catch-up
 * @param upgrade the version gate as this node sees it: per class the active version, the newest
 *     one, whether an advance is pending and which members are behind, each member's supported
 *     versions, and whether the operator holds the gate (null in a node's own part of a report)
 * @param services this node's own services, a supervision tree: each service's state and starts,
 *     and the tree's latest supervisor reports (null from a node that does not report them)
 */
public record NodeStatus(
    Node node,
    List<Member> members,
    List<String> ring,
    ReplicationStatus replication,
    CommitStats store,
    List<ClusterNode> nodes,
    Progress progress,
    io.baton.upgrade.GateStatus upgrade,
    io.baton.services.ServicesStatus services) {

  /**
   * This node.
   *
   * @param address its address, {@code pekko://<cluster>@host:port}
   * @param name its name ({@code baton.node.name}), or its address when none was given
   * @param version the Baton version it runs
   * @param appVersion the application version it runs ({@code baton.node.app-version}, else the
   *     jar manifest's {@code Implementation-Version}, else "unknown")
   * @param uptimeSeconds seconds since its actor system started
   * @param clustered whether it runs with the cluster provider
   * @param status its own member status (Joining, Up, ...), or "Alone" without a cluster
   */
  public record Node(
      String address,
      String name,
      String version,
      String appVersion,
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

  /**
   * One member of the cluster, as this node sees it and as it reported itself. The fields a
   * member reports (from {@code name} on) are null when it did not answer within {@code
   * baton.ops.report-timeout} ({@code answered} false): unreachable, still starting, or running
   * without the operator endpoint.
   *
   * @param address its address
   * @param ringPosition its place in {@link NodeStatus#ring} (1 first), or null when it owns no
   *     data (Joining, Exiting, Down, ...)
   * @param status its member status
   * @param reachable as in {@link Member}
   * @param drained whether it is in the cluster-wide set of drained nodes (it must hold no shard)
   * @param answered whether its report arrived
   * @param name its {@code baton.node.name}, or its address
   * @param batonVersion the Baton version it runs
   * @param appVersion the application version it runs ({@code baton.node.app-version})
   * @param behaviourVersions the behaviour version per entity type it runs (1 for a type
   *     registered without one)
   * @param shards the shards it hosts, per entity type
   * @param shardCount the shards it hosts, all types together
   * @param entities the entities running in those shards
   * @param messagesPerSecond the messages per second its shards handle, or null while no load
   *     measurement is installed on it
   * @param replicationLag its events sent to its replicas and not yet confirmed (its {@code
   *     replication.inFlight}), or null when it does not use Baton's journal
   * @param underReplicated whether fewer nodes than the factor hold its writes, or null likewise
   */
  public record ClusterNode(
      String address,
      Integer ringPosition,
      String status,
      boolean reachable,
      boolean drained,
      boolean answered,
      String name,
      String batonVersion,
      String appVersion,
      Map<String, String> behaviourVersions,
      Map<String, TypeShards> shards,
      Integer shardCount,
      Long entities,
      Double messagesPerSecond,
      Long replicationLag,
      Boolean underReplicated) {}

  /**
   * The shards of one entity type on one node.
   *
   * @param count how many
   * @param entities the entities running in them
   * @param hosted each shard, by id
   */
  public record TypeShards(int count, long entities, List<Shard> hosted) {}

  /**
   * One hosted shard.
   *
   * @param id the shard id
   * @param entities the entities running in it
   * @param messagesPerSecond its load, or null while no load measurement is installed
   */
  public record Shard(String id, int entities, Double messagesPerSecond) {}

  /**
   * Long operations under way, so that an operator can follow them without reading logs.
   *
   * @param drains one entry per drained node (docs/decisions/0011-drain.md)
   * @param catchUp one entry per (owner, replica) pair whose background catch-up has run, from the
   *     reports of the owners that answered
   * @param rebalances one entry per entity type whose shard coordinator has moved shards (or is
   *     moving some now): shards moving now, rounds and shards moved so far, the latest round
   * @param stalls one entry per entity type with client requests waiting longer than a second
   *     for their entity, on any node that answered: a stall as it happens (null from an older
   *     Baton)
   */
  public record Progress(List<DrainProgress> drains, List<CatchUpProgress> catchUp,
      List<io.baton.ring.RebalanceActivity> rebalances, List<Stall> stalls) {

    /** Progress with no stall information. */
    public Progress(List<DrainProgress> drains, List<CatchUpProgress> catchUp,
        List<io.baton.ring.RebalanceActivity> rebalances) {
      this(drains, catchUp, rebalances, List.of());
    }
  }

  /**
   * Client requests of one entity type that have waited longer than a second for their entity.
   *
   * @param type the entity type
   * @param requests how many, over every node they entered through
   * @param oldestMillis the longest wait so far
   * @param shards the shards they wait for
   * @param homeless those of {@code shards} that no node hosts now: Cluster Sharding buffers their
   *     messages until the coordinator gives them a home
   */
  public record Stall(String type, int requests, long oldestMillis, List<String> shards,
      List<String> homeless) {}

  /**
   * The catch-up of one replica by one owner (the owner's {@code replication.catchUp} entry).
   *
   * @param owner the node whose events are copied
   * @param target the replica being brought up to date
   * @param entitiesBehind owned entities of which the target still lacks events
   * @param entitiesInPass the entities the owner's current (or last) pass found behind when it
   *     started
   * @param eventsCopied events copied to it since the owner started
   * @param caughtUp true once the owner's last pass found nothing missing
   */
  public record CatchUpProgress(String owner, String target, int entitiesBehind,
      int entitiesInPass, long eventsCopied, boolean caughtUp) {}
}
