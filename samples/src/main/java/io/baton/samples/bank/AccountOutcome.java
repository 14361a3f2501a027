package io.baton.samples.bank;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.baton.serialization.ClusterSerializable;

/**
 * The result of an {@link AccountOperation}, recorded in the account's idempotency log: every
 * retry of the same key gets the same outcome, a refusal included.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "outcome")
@JsonSubTypes({
    @JsonSubTypes.Type(value = AccountOutcome.Accepted.class, name = "accepted"),
    @JsonSubTypes.Type(value = AccountOutcome.Refused.class, name = "refused")})
public sealed interface AccountOutcome extends ClusterSerializable {

  /** The operation took effect; {@code balance} is the balance after it. */
  record Accepted(long balance) implements AccountOutcome {}

  /** The operation was refused for a business reason, final for its key; nothing changed. */
  record Refused(String reason, long balance) implements AccountOutcome {
    public static final String INSUFFICIENT_FUNDS = "insufficient-funds";
    public static final String NOT_OPEN = "account-not-open";
  }
}
