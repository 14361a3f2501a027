package io.baton.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.baton.runtime.BatonNode;
import io.baton.runtime.NodeConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: a node given no seed nodes (no flags but its data directory and a free port) forms a
 * cluster of its own and serves persistent entities; restarted on the same data it keeps them.
 */
class SingleNodeTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void aNodeWithoutSeedNodesRunsAloneAndKeepsItsEntitiesAcrossARestart() throws Exception {
    List<String> flags = List.of("--port=0", "--data-dir=" + dir);
    try (BatonNode node = BatonNode.start(NodeConfig.fromArguments(flags))) {
      assertEquals(List.of(), node.config().seedNodes());
      node.register(ShardedCounter.KEY, ctx -> ShardedCounter.create(ctx.getEntityId(), "alone"));
      assertEquals(1, increment(node, "a").count());
      assertEquals(2, increment(node, "a").count());
      assertEquals(MemberStatus.up(), Cluster.get(node.system()).selfMember().status());
    }
    try (BatonNode again = BatonNode.start(NodeConfig.fromArguments(flags))) {
      again.register(ShardedCounter.KEY, ctx -> ShardedCounter.create(ctx.getEntityId(), "alone"));
      assertEquals(3, increment(again, "a").count());
    }
  }

  private static ShardedCounter.Value increment(BatonNode node, String id) throws Exception {
    return AskPattern.<ShardedCounter.Command, ShardedCounter.Value>ask(
            node.entityRefFor(ShardedCounter.KEY, id), ShardedCounter.Increment::new, WAIT,
            node.system().scheduler())
        .toCompletableFuture().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
  }
}
