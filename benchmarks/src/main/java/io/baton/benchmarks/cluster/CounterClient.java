package io.baton.benchmarks.cluster;

import java.util.concurrent.CompletionStage;

/**
 * How the driver reaches the counters of one target. Every call completes (never exceptionally)
 * with the request's {@link Answer}; its retries are the client's own business.
 */
interface CounterClient {

  /** Adds one to counter {@code entityId}, entering the cluster through node {@code firstNode}. */
  CompletionStage<Answer> increment(int entity, String entityId, int firstNode);

  /** Reads counter {@code entityId}, entering through node {@code firstNode}. */
  CompletionStage<Answer> read(int entity, String entityId, int firstNode);
}
