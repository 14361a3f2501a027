/**
 * The bank-accounts sample: idempotent accounts, and transfers between them that never create or
 * destroy money, whatever crashes, retries and duplicate deliveries do.
 *
 * <h2>Accounts</h2>
 * {@link io.baton.samples.bank.Account} is an event-sourced entity made idempotent with {@link
 * io.baton.client.IdempotentCommands}: open, deposit and withdraw are applied at most once per
 * idempotency key. A business refusal (insufficient funds, account not open) is <em>recorded</em>
 * like a success, as an event carrying the request's record: every later delivery of that key gets
 * the same refusal. Without that, a withdrawal refused, then delivered again late (the sharding
 * buffer does this) after a deposit, would be applied after its caller had acted on the refusal.
 * Reads ({@code balance}) are answered and not recorded.
 *
 * <h2>Transfers: a saga of idempotent steps</h2>
 * A transfer cannot be one atomic write: its two accounts may live on different nodes. {@link
 * io.baton.samples.bank.Transfer} is an event-sourced entity per transfer id that drives three
 * possible steps, each an account request under a key derived from the transfer id:
 *
 * <ol>
 *   <li>debit the source, key {@code transfer:<id>:debit}; refused: the transfer ends {@code
 *       REFUSED}, nothing moved;
 *   <li>credit the target, key {@code transfer:<id>:credit}; accepted: {@code COMPLETED};
 *   <li>if the credit was refused (the target is not open): refund the source, key {@code
 *       transfer:<id>:refund}, and end {@code COMPENSATED}.
 * </ol>
 *
 * Why money is conserved:
 * <ul>
 *   <li>Each step's key is fixed by the transfer id, so however many times a step is sent (client
 *       retries, a duplicate delivery, the saga re-sending it after its own crash), the account
 *       applies it once and answers every copy with the same recorded outcome.
 *   <li>The saga persists each step's outcome before starting the next, and starts the step of its
 *       current phase again after recovery: a crash between "step applied" and "outcome persisted"
 *       only causes a re-send, answered {@code AlreadyApplied}. A step whose outcome is unknown is
 *       retried (same key) until it is known; a refusal is final because it is recorded.
 *   <li>Every request of a step carries the time the transfer was ordered as its issue time, so an
 *       account whose retention may have forgotten the key refuses it ({@code beyond-retention})
 *       instead of applying it again; the transfer then stops in {@code STUCK} for an operator.
 *       Accounts' retention (10 minutes by default) must outlast a transfer's longest stall.
 * </ul>
 * So each account sees at most one debit and one credit (or refund) per transfer, and a credit or
 * refund only after a recorded debit: the sum of all balances is invariant once every transfer is
 * final, and in between differs only by the amounts of transfers in {@code CREDITING} or {@code
 * REFUNDING} (money in flight, owned by the saga).
 *
 * <p>A crashed transfer resumes without anyone asking: the transfer type remembers its entities
 * in the replicated journal ({@link io.baton.samples.bank.Bank#transferEntity}) until they are
 * final, so when its node dies the shard's new owner starts every unfinished transfer, which
 * recovers and sends its current step again (see docs/guide/bank-sample.md, "The sweeper").
 *
 * <p>{@link io.baton.samples.bank.Bank#register} registers both types on a {@code BatonNode} and
 * exposes them over HTTP: {@code POST /entities/account/{id}} with {@code {"op":"deposit",
 * "amount":100}}, {@code POST /entities/transfer/{id}} with {@code {"op":"order","from":"alice",
 * "to":"bob","amount":30}}.
 *
 * <p>This is release 1 of the bank. Release 2 (accounts with an overdraft limit, the events'
 * amount renamed {@code amountInCents}, migrations both ways) replaces {@code Account}, {@code
 * AccountOperation} and {@code BankRelease} with the files of the same names in {@code
 * samples/src/bank-v2/java} and ships as {@code baton-samples-v2-all.jar} (docs/guide/
 * bank-sample.md, "v2 of the bank").
 */
package io.baton.samples.bank;
