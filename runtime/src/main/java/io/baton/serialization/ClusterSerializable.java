package io.baton.serialization;

/**
 * Marks a value that may leave this JVM: a message to an actor on another node, an event the
 * journal replicates. Pekko serializes it with Jackson CBOR (the binding is in this module's {@code
 * reference.conf}), so it must be a Jackson-friendly value: a record, or a class with a creator.
 * Java serialization is off on a Baton node ({@code io.baton.runtime.NodeConfig}).
 *
 * <p>It lives in a package of its own, below every layer (the client, the ring, the journal's
 * replication, upgrades and operations all send such values), so that none of them depends on the
 * node's composition root for it.
 */
public interface ClusterSerializable {}
