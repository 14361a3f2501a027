package io.baton.upgrade.internal;

import io.baton.serialization.ClusterSerializable;
import io.baton.upgrade.SupportedVersions;
import java.util.Map;

/**
 * What one node tells the version gate: the current schema version of every class it knows, and
 * the versions it supports of each (shown by the operator status). Stored in Distributed Data
 * under its member's unique address; crosses nodes.
 *
 * @param versions class name to current version
 * @param supported class name to the versions it reads and writes; null from a node that predates
 *     it
 */
public record SchemaReport(Map<String, Integer> versions, Map<String, SupportedVersions> supported)
    implements ClusterSerializable {}
