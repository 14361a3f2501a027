package io.baton.client;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.baton.runtime.ClusterSerializable;
import java.util.Objects;

/**
 * The record that a request was applied: its id, the result its caller got, and when the entity
 * applied it (the entity's wall clock, epoch milliseconds). The entity's event carries it, and its
 * event handler adds it to the {@link IdempotencyLog}, so it is persisted, replicated and replayed
 * with the event that applied the request.
 *
 * @param <R> the result type
 */
public record AppliedRequest<R>(
    String requestId,
    @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS, include = JsonTypeInfo.As.WRAPPER_ARRAY) R result,
    long appliedAtMillis) implements ClusterSerializable {

  public AppliedRequest {
    Objects.requireNonNull(requestId, "requestId");
  }
}
