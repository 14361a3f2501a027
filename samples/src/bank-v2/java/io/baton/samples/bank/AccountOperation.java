package io.baton.samples.bank;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.baton.serialization.ClusterSerializable;

/**
 * What a request to an {@link Account} asks, the payload of its {@code Request}. In JSON (over
 * HTTP): {@code {"op":"deposit","amount":100}}.
 *
 * <p>Release 2 of the bank adds {@link SetOverdraftLimit}. The operations are messages, but they
 * need no migration: the JSON of the release-1 operations did not change, and the new one is
 * only sent by clients that know release 2 (a release-1 node that receives it cannot read the
 * class and drops it; the account refuses it anyway until every node runs release 2).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
    @JsonSubTypes.Type(value = AccountOperation.Open.class, name = "open"),
    @JsonSubTypes.Type(value = AccountOperation.Deposit.class, name = "deposit"),
    @JsonSubTypes.Type(value = AccountOperation.Withdraw.class, name = "withdraw"),
    @JsonSubTypes.Type(value = AccountOperation.Balance.class, name = "balance"),
    @JsonSubTypes.Type(value = AccountOperation.SetOverdraftLimit.class,
        name = "set-overdraft-limit")})
public sealed interface AccountOperation extends ClusterSerializable {

  /** Opens the account, empty. Refused if it is open already. */
  record Open() implements AccountOperation {}

  /** Adds {@code amount} (positive). Refused, and recorded as refused, if the account is not open. */
  record Deposit(long amount) implements AccountOperation {}

  /**
   * Takes {@code amount} (positive). Refused, and recorded as refused, if the balance would go
   * below minus the account's overdraft limit.
   */
  record Withdraw(long amount) implements AccountOperation {}

  /** Reads the balance: answered, never recorded (a read is idempotent by itself). */
  record Balance() implements AccountOperation {}

  /**
   * Sets how far below zero withdrawals may take the balance ({@code limit} in cents, zero or
   * more). Refused while some node of the cluster still runs release 1, which could not keep it.
   */
  record SetOverdraftLimit(long limit) implements AccountOperation {}
}
