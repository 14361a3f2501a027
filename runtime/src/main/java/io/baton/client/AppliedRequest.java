package io.baton.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.baton.serialization.ClusterSerializable;
import java.util.Objects;

/**
 * The record that a request was applied: its id, the result its caller got, and when the entity
 * applied it (the entity's wall clock, epoch milliseconds). The entity's event carries it, and its
 * event handler adds it to the {@link IdempotencyLog}, so it is persisted, replicated and replayed
 * with the event that applied the request.
 *
 * <p>It also keeps a digest of the request's payload ({@link PayloadDigest}), so that the same
 * key sent again with another payload is refused as a reused key rather than answered with the
 * first request's result. Records written before digests existed have none and are not checked.
 *
 * @param payloadDigest the digest of the applied request's payload; null when unknown
 * @param <R> the result type
 */
public record AppliedRequest<R>(
    String requestId,
    @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS, include = JsonTypeInfo.As.WRAPPER_ARRAY) R result,
    long appliedAtMillis,
    @JsonInclude(JsonInclude.Include.NON_NULL) String payloadDigest)
    implements ClusterSerializable {

  public AppliedRequest {
    Objects.requireNonNull(requestId, "requestId");
  }

  /** A record without a payload digest (its key is not checked against a payload). */
  public AppliedRequest(String requestId, R result, long appliedAtMillis) {
    this(requestId, result, appliedAtMillis, null);
  }
}
