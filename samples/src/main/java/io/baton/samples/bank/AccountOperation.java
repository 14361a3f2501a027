package io.baton.samples.bank;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.baton.serialization.ClusterSerializable;

/**
 * What a request to an {@link Account} asks, the payload of its {@code Request}. In JSON (over
 * HTTP): {@code {"op":"deposit","amount":100}}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
    @JsonSubTypes.Type(value = AccountOperation.Open.class, name = "open"),
    @JsonSubTypes.Type(value = AccountOperation.Deposit.class, name = "deposit"),
    @JsonSubTypes.Type(value = AccountOperation.Withdraw.class, name = "withdraw"),
    @JsonSubTypes.Type(value = AccountOperation.Balance.class, name = "balance")})
public sealed interface AccountOperation extends ClusterSerializable {

  /** Opens the account, empty. Refused if it is open already. */
  record Open() implements AccountOperation {}

  /** Adds {@code amount} (positive). Refused, and recorded as refused, if the account is not open. */
  record Deposit(long amount) implements AccountOperation {}

  /** Takes {@code amount} (positive). Refused, and recorded as refused, on insufficient funds. */
  record Withdraw(long amount) implements AccountOperation {}

  /** Reads the balance: answered, never recorded (a read is idempotent by itself). */
  record Balance() implements AccountOperation {}
}
