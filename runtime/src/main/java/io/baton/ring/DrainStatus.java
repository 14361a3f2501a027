package io.baton.ring;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.Member;

/**
 * Where shards are and which drains are complete: one {@link NodeShards} per member, in ring
 * order. A drain is complete when the drained node hosts no shard of any entity type: it can be
 * stopped with no impact.
 */
public record DrainStatus(Map<Address, NodeShards> nodes) {

  /** One node: whether it is drained and the shards it hosts ({@code type/shard}), sorted. */
  public record NodeShards(Address node, boolean drained, List<String> shards) {
    public NodeShards {
      Objects.requireNonNull(node, "node");
      shards = List.copyOf(shards);
    }

    /** The node is drained and hosts nothing. */
    public boolean drainComplete() {
      return drained && shards.isEmpty();
    }
  }

  public DrainStatus {
    TreeMap<Address, NodeShards> sorted = new TreeMap<>(Member.addressOrdering()::compare);
    sorted.putAll(nodes);
    nodes = java.util.Collections.unmodifiableMap(sorted);
  }

  /** The node's entry, or {@code null} if it is not a member. */
  public NodeShards node(Address node) {
    return nodes.get(node);
  }
}
