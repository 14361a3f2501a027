/**
 * What may leave a JVM: {@link io.baton.serialization.ClusterSerializable} marks the values that
 * Baton serializes (Jackson CBOR with schema versions) between nodes and into the journal. The
 * lowest layer of the runtime: it uses nothing of Baton (decision 0023).
 */
package io.baton.serialization;
