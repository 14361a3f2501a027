/**
 * Requests applied at most once, and a client that does not see failover.
 *
 * <p>Entity side: an event-sourced entity keeps an {@link io.baton.client.IdempotencyLog} in its
 * own state, and its command handler goes through {@link io.baton.client.IdempotentCommands}: a
 * {@link io.baton.client.Request} whose id is already in the log is answered with its recorded
 * result ({@link io.baton.client.Reply.AlreadyApplied}); any other is applied by one event that
 * also records its id and result, so the record survives recovery and failover with the events.
 *
 * <p>Client side: {@link io.baton.client.BatonClient} sends a request through a pluggable
 * {@link io.baton.client.RequestTransport} and retries it with the same id, with exponential
 * backoff and jitter ({@link io.baton.client.RetryPolicy}) within one overall deadline. Time comes
 * from {@link io.baton.client.ClientTime}, so tests drive it by hand.
 *
 * <p>Over HTTP: every node can serve {@link io.baton.client.HttpEntryPoint} ({@code POST
 * /entities/{type}/{id}}, configured under {@code baton.client.http}), and {@link
 * io.baton.client.HttpTransport} is the client's transport to it, one route per node.
 *
 * <p>See {@code docs/guide/clients.md}.
 */
package io.baton.client;
