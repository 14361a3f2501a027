package io.baton.ops.internal;

import io.baton.journal.replication.ReplicationStatus;
import io.baton.serialization.ClusterSerializable;
import java.util.List;
import java.util.Map;

/**
 * What one node tells the others' operator endpoints about itself; crosses nodes (Jackson CBOR).
 *
 * @param address its address
 * @param name its {@code baton.node.name}, or its address
 * @param batonVersion the Baton version it runs
 * @param appVersion its {@code baton.node.app-version}
 * @param behaviourVersions the behaviour version per entity type registered on it ({@link
 *     io.baton.upgrade.BehaviourVersions}; 1 for a type registered without one)
 * @param shards per entity type, each hosted shard's entity count
 * @param unansweredTypes entity types whose region did not report its shards in time
 * @param messagesPerSecond per entity type, per shard, the measured load; empty while no load
 *     measurement is installed ({@link io.baton.ops.LoadSource})
 * @param replication its replication, or null without Baton's journal
 * @param rebalances per entity type, what its rebalancing is doing (rounds only on the node that
 *     hosts the shard coordinator)
 * @param waiting per entity type, the client requests that entered through this node and have
 *     waited for their entity longer than {@link NodeReports#WAITING_THRESHOLD} (null from nodes of
 *     an older Baton)
 */
public record NodeReport(
    String address,
    String name,
    String batonVersion,
    String appVersion,
    Map<String, String> behaviourVersions,
    Map<String, Map<String, Integer>> shards,
    List<String> unansweredTypes,
    Map<String, Map<String, Double>> messagesPerSecond,
    ReplicationStatus replication,
    List<io.baton.ring.RebalanceActivity> rebalances,
    Map<String, io.baton.client.WaitingRequests.Waiting> waiting) implements ClusterSerializable {

  /** The shards it hosts, all types together (of the types whose region answered). */
  public int shardCount() {
    return shards.values().stream().mapToInt(Map::size).sum();
  }

  /**
   * The shards it hosts, all types together, or null when a type's region did not report in
   * time: unknown, not the count of the others (a drain is never judged on what a node did not
   * say).
   */
  public Integer knownShardCount() {
    return unansweredTypes.isEmpty() ? shardCount() : null;
  }
}
