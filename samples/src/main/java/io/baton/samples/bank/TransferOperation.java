package io.baton.samples.bank;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.baton.serialization.ClusterSerializable;

/**
 * What a request to a {@link Transfer} asks. In JSON (over HTTP):
 * {@code {"op":"order","from":"alice","to":"bob","amount":30}} or {@code {"op":"status"}}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
    @JsonSubTypes.Type(value = TransferOperation.Order.class, name = "order"),
    @JsonSubTypes.Type(value = TransferOperation.Status.class, name = "status")})
public sealed interface TransferOperation extends ClusterSerializable {

  /**
   * Moves {@code amount} (positive) from account {@code from} to account {@code to} (another
   * one). The transfer's entity id is its identity: ordering the same transfer again is answered
   * with its status; ordering a different one under the same id is refused.
   */
  record Order(String from, String to, long amount) implements TransferOperation {}

  /** Reads the transfer's status. */
  record Status() implements TransferOperation {}
}
