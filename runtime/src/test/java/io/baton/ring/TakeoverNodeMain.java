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
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
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
 *   <li>{@code load <id,id,...>}: increments the counters round robin, one at a time, each retried
 *       with the same command until acknowledged (ACK lines as {@code inc}), until {@code
 *       stop-load}, which reports {@code LOAD-STOPPED <acknowledged> <retries>};
 *   <li>{@code drain <address>} / {@code undrain <address>}: {@code DRAIN-REQUESTED} / {@code
 *       UNDRAIN-REQUESTED <address> <every member confirmed>};
 *   <li>{@code status}: one {@code SHARDS <address> <count> <drained> <drain complete>} line per
 *       member, then {@code STATUS-END};
 *   <li>{@code await-drained <address>}: polls the status until the node is drained and empty,
 *       then {@code DRAIN-COMPLETE <address> <ms>}; {@code await-holds <address>}: until the node
 *       hosts a shard, then {@code HOLDS <address> <count> <ms>};
 *   <li>{@code where}: one {@code HOSTS <address> <type/shard,...|->} line per member, then {@code
 *       WHERE-END};
 *   <li>{@code load-stats}: one {@code LOAD <address> <msg/s> <shards with load>} line per member
 *       whose measured load this node knows ({@code BatonNode.load()}), then {@code LOAD-END}.
 * </ul>
 */
public final class TakeoverNodeMain {

  private static final Duration ASK = Duration.ofSeconds(5);
  private static final Duration INC_DEADLINE = Duration.ofSeconds(60);
  private static final Duration PROBE_ASK = Duration.ofMillis(300);
  private static final java.util.concurrent.Executor RETRY_LATER =
      CompletableFuture.delayedExecutor(100, java.util.concurrent.TimeUnit.MILLISECONDS);

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
      case "load" -> startLoad(node, List.of(words[1].split(",")));
      case "stop-load" -> loadRunning.set(false);
      case "drain" -> node.drain(AddressFromURIString.parse(words[1])).whenComplete(
          (all, error) -> HarnessLink.report("DRAIN-REQUESTED " + words[1] + " "
              + (error == null ? all : error)));
      case "undrain" -> node.undrain(AddressFromURIString.parse(words[1])).whenComplete(
          (all, error) -> HarnessLink.report("UNDRAIN-REQUESTED " + words[1] + " "
              + (error == null ? all : error)));
      case "status" -> node.drainStatus(ASK).whenComplete((status, error) -> {
        if (error != null) {
          HarnessLink.report("STATUS-FAILED " + error);
          return;
        }
        status.nodes().values().forEach(n -> HarnessLink.report("SHARDS " + n.node() + " "
            + n.shards().size() + " " + n.drained() + " " + n.drainComplete()));
        HarnessLink.report("STATUS-END");
      });
      case "await-drained" -> pollStatus(node, AddressFromURIString.parse(words[1]), true,
          System.nanoTime());
      case "await-holds" -> pollStatus(node, AddressFromURIString.parse(words[1]), false,
          System.nanoTime());
      case "where" -> node.drainStatus(ASK).whenComplete((status, error) -> {
        if (error != null) {
          HarnessLink.report("WHERE-FAILED " + error);
          return;
        }
        status.nodes().values().forEach(n -> HarnessLink.report("HOSTS " + n.node() + " "
            + (n.shards().isEmpty() ? "-" : String.join(",", n.shards()))));
        HarnessLink.report("WHERE-END");
      });
      case "load-stats" -> {
        node.load().cluster().forEach((address, load) -> HarnessLink.report(String.format(
            java.util.Locale.ROOT, "LOAD %s %.2f %d", address, load.total(),
            load.rates(ShardedCounter.KEY.name()).size())));
        HarnessLink.report("LOAD-END");
      }
      default -> HarnessLink.report("UNKNOWN-COMMAND " + line);
    }
  }

  /** Whether the node's coordinated shutdown has begun (downed, left): retrying is pointless. */
  private static boolean shuttingDown(BatonNode node) {
    return org.apache.pekko.actor.CoordinatedShutdown.get(node.system()).getShutdownReason()
        .isPresent();
  }

  private static void increment(BatonNode node, String id, int left, long deadline) {
    if (left == 0) {
      HarnessLink.report("INC-DONE " + id);
      return;
    }
    node.entityRefFor(ShardedCounter.KEY, id)
        .<ShardedCounter.Value>ask(ShardedCounter.Increment::new, ASK)
        .whenComplete((value, error) -> {
          if (error != null && System.nanoTime() < deadline && !shuttingDown(node)) {
            // Not acknowledged (e.g. the coordinator still starting): try again; the count may
            // then include the unacknowledged attempt, never less than what was acknowledged.
            // After a pause: a region that is gone fails an ask at once, and an immediate retry
            // would spin.
            HarnessLink.report("INC-RETRY " + id + " " + error.getClass().getSimpleName());
            RETRY_LATER.execute(() -> increment(node, id, left, deadline));
          } else if (error != null) {
            HarnessLink.report("INC-FAILED " + id + " " + error);
          } else {
            HarnessLink.report("ACK " + id + " " + value.count() + " " + value.node());
            increment(node, id, left - 1, deadline);
          }
        });
  }

  private static final java.util.concurrent.atomic.AtomicBoolean loadRunning =
      new java.util.concurrent.atomic.AtomicBoolean();
  private static final java.util.concurrent.atomic.AtomicLong loadAcked =
      new java.util.concurrent.atomic.AtomicLong();
  private static final java.util.concurrent.atomic.AtomicLong loadRetries =
      new java.util.concurrent.atomic.AtomicLong();

  private static void startLoad(BatonNode node, List<String> ids) {
    loadRunning.set(true);
    loadStep(node, ids, 0);
  }

  /** One increment of the load, retried until acknowledged, then the next counter's. */
  private static void loadStep(BatonNode node, List<String> ids, int i) {
    if (!loadRunning.get()) {
      HarnessLink.report("LOAD-STOPPED " + loadAcked.get() + " " + loadRetries.get());
      return;
    }
    String id = ids.get(i % ids.size());
    node.entityRefFor(ShardedCounter.KEY, id)
        .<ShardedCounter.Value>ask(ShardedCounter.Increment::new, ASK)
        .whenComplete((value, error) -> {
          if (error != null && shuttingDown(node)) {
            HarnessLink.report("LOAD-STOPPED " + loadAcked.get() + " " + loadRetries.get()
                + " (node shutting down)");
          } else if (error != null) {
            loadRetries.incrementAndGet();
            HarnessLink.report("INC-RETRY " + id + " " + error.getClass().getSimpleName());
            RETRY_LATER.execute(() -> loadStep(node, ids, i));
          } else {
            loadAcked.incrementAndGet();
            HarnessLink.report("ACK " + id + " " + value.count() + " " + value.node());
            loadStep(node, ids, i + 1);
          }
        });
  }

  private static void pollStatus(BatonNode node, Address target, boolean drained, long start) {
    node.drainStatus(ASK).whenComplete((status, error) -> {
      DrainStatus.NodeShards entry = error == null ? status.node(target) : null;
      long ms = (System.nanoTime() - start) / 1_000_000;
      if (entry != null && drained && entry.drainComplete()) {
        HarnessLink.report("DRAIN-COMPLETE " + target + " " + ms);
      } else if (entry != null && !drained && !entry.shards().isEmpty()) {
        HarnessLink.report("HOLDS " + target + " " + entry.shards().size() + " " + ms);
      } else {
        CompletableFuture.delayedExecutor(200, java.util.concurrent.TimeUnit.MILLISECONDS)
            .execute(() -> pollStatus(node, target, drained, start));
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
