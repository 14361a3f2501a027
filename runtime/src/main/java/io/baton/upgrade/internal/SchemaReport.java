package io.baton.upgrade.internal;

import io.baton.runtime.ClusterSerializable;
import java.util.Map;

/**
 * What one node tells the version gate: the current schema version of every class it knows.
 * Stored in Distributed Data under its member's unique address; crosses nodes.
 *
 * @param versions class name to current version
 */
public record SchemaReport(Map<String, Integer> versions) implements ClusterSerializable {}
