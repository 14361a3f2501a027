package io.baton.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A transport that delivers every request but loses the answer to the first one, after the
 * entity has applied it: the situation in which a client without idempotency keys double-applies.
 */
final class LosingFirstReply<P, R> implements RequestTransport<P, R> {

  private final RequestTransport<P, R> real;
  private final AtomicInteger attempts = new AtomicInteger();

  LosingFirstReply(RequestTransport<P, R> real) {
    this.real = real;
  }

  /** How many requests went through, the one whose answer was lost included. */
  int attempts() {
    return attempts.get();
  }

  @Override
  public int routes() {
    return real.routes();
  }

  @Override
  public CompletionStage<Reply<R>> send(
      int route, String entityId, Request<P> request, Duration timeout) {
    CompletionStage<Reply<R>> reply = real.send(route, entityId, request, timeout);
    if (attempts.getAndIncrement() > 0) {
      return reply;
    }
    // The entity has applied it; only the answer is lost on its way back.
    return reply.thenCompose(answer -> CompletableFuture.failedFuture(
        new TimeoutException("reply lost (injected) after " + answer)));
  }
}
