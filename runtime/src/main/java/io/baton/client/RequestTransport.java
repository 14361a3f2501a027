package io.baton.client;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * How {@link BatonClient} reaches an entity: one attempt, one reply or one failure. In the
 * cluster, {@link ShardingTransport} asks through Cluster Sharding; from outside, {@link
 * HttpTransport} posts to the nodes' {@link HttpEntryPoint}s. A transport does not retry; the
 * client does.
 *
 * @param <P> the request payload type
 * @param <R> the result type
 */
public interface RequestTransport<P, R> {

  /**
   * How many distinct entry points (nodes) the transport can send through, at least 1. Routes are
   * numbered from 0; the client moves to the next one on retry.
   */
  int routes();

  /**
   * Sends one attempt of {@code request} to entity {@code entityId} through route {@code route}.
   * The stage completes with the entity's reply, or exceptionally (a timeout after about {@code
   * timeout}, an unreachable node...). The client enforces {@code timeout} itself as well, so a
   * stage that never completes costs only that attempt.
   */
  CompletionStage<Reply<R>> send(int route, String entityId, Request<P> request,
      Duration timeout);
}
