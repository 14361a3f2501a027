package io.baton.ops;

import java.util.Map;

/**
 * Where the operator endpoint reads the measured load of this node's shards (messages per second).
 * {@link #NONE} until a load measurement is installed: then {@code /status} shows {@code
 * messagesPerSecond: null}. The measured-load component of {@code io.baton.ring} plugs in by
 * handing {@link OperatorEndpoint#useLoadSource} an implementation.
 */
@FunctionalInterface
public interface LoadSource {

  /** No measurement: every load is unknown. */
  LoadSource NONE = () -> Map.of();

  /**
   * Per entity type, per shard id, the messages per second of the shards this node hosts now;
   * shards not in the map have an unknown load. Called on any thread; must not block.
   */
  Map<String, Map<String, Double>> messagesPerSecond();
}
