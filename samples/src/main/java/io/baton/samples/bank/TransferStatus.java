package io.baton.samples.bank;

import io.baton.serialization.ClusterSerializable;

/**
 * Where a {@link Transfer} is.
 *
 * @param phase its phase
 * @param from the account debited
 * @param to the account credited
 * @param amount the amount
 * @param reason why it was refused, compensated or is stuck; empty otherwise
 */
public record TransferStatus(Phase phase, String from, String to, long amount, String reason)
    implements ClusterSerializable {

  /**
   * The phases of a transfer. {@code DEBITING}, {@code CREDITING} and {@code REFUNDING} are in
   * progress (the saga is driving that step); the others are final.
   */
  public enum Phase {
    /** Not ordered yet. */
    NEW,
    /** Taking the amount from the source account (key {@code transfer:<id>:debit}). */
    DEBITING,
    /** The source is debited; giving the amount to the target (key {@code transfer:<id>:credit}). */
    CREDITING,
    /** The target refused the credit; giving the amount back (key {@code transfer:<id>:refund}). */
    REFUNDING,
    /** Final: the source was debited and the target credited. */
    COMPLETED,
    /** Final: the target refused; the source was debited and refunded. */
    COMPENSATED,
    /** Final: the source refused the debit (e.g. insufficient funds); nothing moved. */
    REFUSED,
    /**
     * Final until an operator acts: an account answered that it may have forgotten a step's key
     * (beyond its retention), so the saga cannot know whether the step was applied.
     */
    STUCK;

    /** Whether the saga has nothing more to do. */
    public boolean isFinal() {
      return this == COMPLETED || this == COMPENSATED || this == REFUSED || this == STUCK;
    }
  }
}
