package io.baton.ring;

import io.baton.serialization.ClusterSerializable;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The measured load of one node: messages per second delivered to the entities of each shard it
 * hosts (or hosted until recently: a shard that moved away is reported while its rate decays), per
 * entity type. Published by the node's {@link LoadMeter} and replicated to every member.
 *
 * @param node the node's address, {@code pekko://system@host:port}
 * @param rates entity type name to shard id to messages per second; immutable
 */
public record NodeLoad(String node, Map<String, Map<String, Double>> rates)
    implements ClusterSerializable {

  public NodeLoad {
    Objects.requireNonNull(node, "node");
    TreeMap<String, Map<String, Double>> copy = new TreeMap<>();
    rates.forEach((type, shards) -> copy.put(type, Map.copyOf(new TreeMap<>(shards))));
    rates = java.util.Collections.unmodifiableMap(copy);
  }

  /** No load measured on {@code node}. */
  public static NodeLoad empty(String node) {
    return new NodeLoad(node, Map.of());
  }

  /** The shard rates of one entity type, empty if none. */
  public Map<String, Double> rates(String type) {
    return rates.getOrDefault(type, Map.of());
  }

  /** Messages per second over every shard of every type. */
  public double total() {
    return rates.values().stream()
        .flatMap(shards -> shards.values().stream())
        .mapToDouble(Double::doubleValue)
        .sum();
  }
}
