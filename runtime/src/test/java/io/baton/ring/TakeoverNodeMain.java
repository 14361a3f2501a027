package io.baton.ring;

import com.typesafe.config.ConfigFactory;
import io.baton.cluster.testkit.ClusterEventReporter;
import io.baton.cluster.testkit.HarnessLink;
import io.baton.runtime.BatonNode;
import io.baton.runtime.NodeConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * A {@link BatonNode} hosting {@link ShardedCounter}s, for {@code TakeoverProcessTest}. Commands on
 * standard input, reports on standard output, one line each:
 *
 * <ul>
 *   <li>{@code inc <id> <n>}: n increments of counter {@code id}, one after the other, through this
 *       node's sharding; {@code ACK <id> <count> <node>} after each, {@code INC-DONE <id>} at the
 *       end; an increment not acknowledged in time is retried ({@code INC-RETRY <id>}) for up to 60 s,
 *       then {@code INC-FAILED <id> <error>};
 *   <li>{@code await <id,id,...>}: asks each counter its value again and again (short timeouts)
 *       until it answers; {@code ANSWERED <id> <count> <node> <ms>} per counter, ms since the
 *       command, then {@code ALL-ANSWERED <ms>}.
 * </ul>
 */
public final class TakeoverNodeMain {

  private static final Duration ASK = Duration.ofSeconds(5);
  private static final Duration INC_DEADLINE = Duration.ofSeconds(60);
  private static final Duration PROBE_ASK = Duration.ofMillis(300);

  private TakeoverNodeMain() {}

  public static void main(String[] args) {
    CompletableFuture<BatonNode> started = new CompletableFuture<>();
    HarnessLink.start(line -> obey(started.join(), line));
    BatonNode node = BatonNode.start(NodeConfig.fromArguments(Arrays.asList(args)),
        ConfigFactory.parseString("baton.journal.replication.ack-timeout = 5s"));
    String self = Cluster.get(node.system()).selfMember().address().toString();
    node.system().systemActorOf(ClusterEventReporter.create(), "cluster-event-reporter",
        Props.empty());
    node.register(ShardedCounter.KEY, ctx -> ShardedCounter.create(ctx.getEntityId(), self));
    node.system().getWhenTerminated().thenRun(() -> {
      HarnessLink.report("TERMINATED");
      Runtime.getRuntime().halt(2);
    });
    HarnessLink.report("STARTED " + self);
    started.complete(node);
  }

  private static void obey(BatonNode node, String line) {
    String[] words = line.split("\\s+");
    switch (words[0]) {
      case "inc" -> increment(node, words[1], Integer.parseInt(words[2]),
          System.nanoTime() + INC_DEADLINE.toNanos());
      case "await" -> awaitAll(node, List.of(words[1].split(",")));
      default -> HarnessLink.report("UNKNOWN-COMMAND " + line);
    }
  }

  private static void increment(BatonNode node, String id, int left, long deadline) {
    if (left == 0) {
      HarnessLink.report("INC-DONE " + id);
      return;
    }
    node.entityRefFor(ShardedCounter.KEY, id)
        .<ShardedCounter.Value>ask(ShardedCounter.Increment::new, ASK)
        .whenComplete((value, error) -> {
          if (error != null && System.nanoTime() < deadline) {
            // Not acknowledged (e.g. the coordinator still starting): try again; the count may
            // then include the unacknowledged attempt, never less than what was acknowledged.
            HarnessLink.report("INC-RETRY " + id + " " + error.getClass().getSimpleName());
            increment(node, id, left, deadline);
          } else if (error != null) {
            HarnessLink.report("INC-FAILED " + id + " " + error);
          } else {
            HarnessLink.report("ACK " + id + " " + value.count() + " " + value.node());
            increment(node, id, left - 1, deadline);
          }
        });
  }

  private static void awaitAll(BatonNode node, List<String> ids) {
    long start = System.nanoTime();
    AtomicInteger left = new AtomicInteger(ids.size());
    for (String id : ids) {
      askUntilAnswered(node, id, start).thenRun(() -> {
        if (left.decrementAndGet() == 0) {
          HarnessLink.report("ALL-ANSWERED " + (System.nanoTime() - start) / 1_000_000);
        }
      });
    }
  }

  private static CompletionStage<Void> askUntilAnswered(BatonNode node, String id, long start) {
    return node.entityRefFor(ShardedCounter.KEY, id)
        .<ShardedCounter.Value>ask(ShardedCounter.Get::new, PROBE_ASK)
        .handle((value, error) -> {
          if (error != null) {
            return askUntilAnswered(node, id, start);
          }
          HarnessLink.report("ANSWERED " + id + " " + value.count() + " " + value.node() + " "
              + (System.nanoTime() - start) / 1_000_000);
          return CompletableFuture.<Void>completedFuture(null);
        })
        .thenCompose(next -> next);
  }
}
