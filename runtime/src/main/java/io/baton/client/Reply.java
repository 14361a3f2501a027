package io.baton.client;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.baton.serialization.ClusterSerializable;
import java.util.Objects;

/**
 * The entity's answer to a {@link Request}: one of three, and nothing else.
 *
 * <ul>
 *   <li>{@link Applied}: this delivery applied the request; its events are persisted.
 *   <li>{@link AlreadyApplied}: an earlier delivery (an earlier attempt, or a duplicate the network
 *       or the sharding buffer delivered) applied it; {@code result} is the result recorded then.
 *       For the caller this is a success exactly like {@code Applied}.
 *   <li>{@link Rejected}: not applied, and never will be under this id (the entity's own refusal,
 *       an expired deadline, or a record that retention may have dropped). Retrying it is useless.
 * </ul>
 *
 * <p>Results travel with their class name (Jackson {@code Id.CLASS}), because a reply is a
 * top-level message whose type parameter is erased.
 *
 * @param <R> the result type of the entity's requests
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "reply")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Reply.Applied.class, name = "applied"),
    @JsonSubTypes.Type(value = Reply.AlreadyApplied.class, name = "already-applied"),
    @JsonSubTypes.Type(value = Reply.Rejected.class, name = "rejected")})
public sealed interface Reply<R> extends ClusterSerializable {

  /** Whether the request is applied (by this delivery or an earlier one). */
  default boolean isApplied() {
    return !(this instanceof Rejected);
  }

  /** This delivery applied the request, with this result. */
  record Applied<R>(
      String requestId,
      @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS, include = JsonTypeInfo.As.WRAPPER_ARRAY)
      R result) implements Reply<R> {
    public Applied {
      Objects.requireNonNull(requestId, "requestId");
    }
  }

  /** An earlier delivery applied the request; this is the result it recorded. */
  record AlreadyApplied<R>(
      String requestId,
      @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS, include = JsonTypeInfo.As.WRAPPER_ARRAY)
      R result) implements Reply<R> {
    public AlreadyApplied {
      Objects.requireNonNull(requestId, "requestId");
    }
  }

  /** Not applied, and a retry under the same id will not be either; {@code reason} says why. */
  record Rejected<R>(String requestId, String reason) implements Reply<R> {
    /** The request arrived after its deadline and had not been applied before. */
    public static final String DEADLINE_PASSED = "deadline-passed";

    /**
     * The request was issued before the log's horizon and is not in it: it may have been applied
     * and its record dropped by retention, so applying it now could apply it twice.
     */
    public static final String BEYOND_RETENTION = "beyond-retention";

    /**
     * The request's idempotency key was already used for a request with another payload: the key
     * was reused for another operation. Final for that key; use a new key for the new request.
     */
    public static final String KEY_REUSED = "idempotency-key-reused";

    public Rejected {
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(reason, "reason");
    }
  }
}
