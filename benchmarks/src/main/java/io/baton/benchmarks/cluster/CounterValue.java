package io.baton.benchmarks.cluster;

import io.baton.serialization.ClusterSerializable;

/**
 * What a benchmark counter answers, on every target: its count after the request, and the name
 * of the node it runs on (so the driver sees where each entity lives, and when it moved).
 */
public record CounterValue(long count, String node) implements ClusterSerializable {}
