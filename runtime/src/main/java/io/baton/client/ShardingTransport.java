package io.baton.client;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * The in-cluster transport: each attempt is an {@code EntityRef.ask} through Cluster Sharding. Its
 * routes are the sharding extensions it was given, one per node the client may enter the cluster
 * through (in a node, usually just its own; in tests, several actor systems of one JVM). Sharding
 * itself finds the entity's current owner, and buffers during a handoff, which is why the entity
 * must be idempotent: a buffered attempt may be delivered after the client has retried.
 *
 * @param <M> the entity's command type
 * @param <P> the request payload type
 * @param <R> the result type
 */
public final class ShardingTransport<M, P, R> implements RequestTransport<P, R> {

  private final List<ClusterSharding> entryPoints;
  private final EntityTypeKey<M> typeKey;
  private final BiFunction<Request<P>, ActorRef<Reply<R>>, M> command;

  private ShardingTransport(List<ClusterSharding> entryPoints, EntityTypeKey<M> typeKey,
      BiFunction<Request<P>, ActorRef<Reply<R>>, M> command) {
    if (entryPoints.isEmpty()) {
      throw new IllegalArgumentException("a ShardingTransport needs at least one entry point");
    }
    this.entryPoints = List.copyOf(entryPoints);
    this.typeKey = Objects.requireNonNull(typeKey, "typeKey");
    this.command = Objects.requireNonNull(command, "command");
  }

  /**
   * A transport to entities of {@code typeKey}, entering through {@code entryPoints}; {@code
   * command} wraps a request and the reply address into the entity's command.
   */
  public static <M, P, R> ShardingTransport<M, P, R> create(List<ClusterSharding> entryPoints,
      EntityTypeKey<M> typeKey, BiFunction<Request<P>, ActorRef<Reply<R>>, M> command) {
    return new ShardingTransport<>(entryPoints, typeKey, command);
  }

  @Override
  public int routes() {
    return entryPoints.size();
  }

  @Override
  public CompletionStage<Reply<R>> send(int route, String entityId, Request<P> request,
      Duration timeout) {
    return entryPoints.get(route).entityRefFor(typeKey, entityId)
        .ask(replyTo -> command.apply(request, replyTo), timeout);
  }
}
