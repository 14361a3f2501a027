package io.baton.runtime;

/**
 * Marks a value that may leave this JVM: a message to an actor on another node, an event the
 * journal replicates. Pekko serializes it with Jackson CBOR (the binding is in this module's {@code
 * reference.conf}), so it must be a Jackson-friendly value: a record, or a class with a creator.
 * Java serialization is off on a Baton node ({@link NodeConfig}).
 */
public interface ClusterSerializable {}
