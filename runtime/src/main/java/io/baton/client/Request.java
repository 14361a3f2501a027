package io.baton.client;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.baton.serialization.ClusterSerializable;
import java.util.Objects;

/**
 * A request to an entity, as the client sends it on every attempt: the same {@code requestId},
 * {@code issuedAtMillis} and {@code deadlineMillis} each time, so that the entity can recognise a
 * retry.
 *
 * @param requestId the idempotency key: unique per logical request (a UUID, or a key the caller's
 *     own system already has, such as an order number). Not blank, at most 200 characters.
 * @param issuedAtMillis when the client first issued the request, in milliseconds since the epoch
 *     by the client's wall clock. The entity uses it to refuse a request whose record may have been
 *     dropped by its retention ({@link IdempotencyLog#horizonMillis()}).
 * @param deadlineMillis after this instant (epoch milliseconds) the client has given up: an entity
 *     that receives the request later refuses it rather than apply it unseen (unless it was
 *     already applied, which it then reports). Not before {@code issuedAtMillis}.
 * @param payload what to do; the entity's own command data. Serialized with its class name, so it
 *     must be a Jackson value (a record, a String, a number...).
 * @param <P> the payload type
 */
public record Request<P>(
    String requestId,
    long issuedAtMillis,
    long deadlineMillis,
    @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS, include = JsonTypeInfo.As.WRAPPER_ARRAY) P payload)
    implements ClusterSerializable {

  /** The longest idempotency key accepted. */
  public static final int MAX_ID_LENGTH = 200;

  public Request {
    Objects.requireNonNull(requestId, "requestId");
    if (requestId.isBlank() || requestId.length() > MAX_ID_LENGTH) {
      throw new IllegalArgumentException("requestId must be 1-" + MAX_ID_LENGTH
          + " characters and not blank, was '" + requestId + "'");
    }
    if (deadlineMillis < issuedAtMillis) {
      throw new IllegalArgumentException("deadlineMillis (" + deadlineMillis
          + ") is before issuedAtMillis (" + issuedAtMillis + ")");
    }
  }

  /** A request with the given key, issued at {@code issuedAtMillis}, that expires after it. */
  public static <P> Request<P> create(String requestId, long issuedAtMillis, long deadlineMillis,
      P payload) {
    return new Request<>(requestId, issuedAtMillis, deadlineMillis, payload);
  }
}
