package io.baton.ops.internal;

import io.baton.supervision.ChildSpec;
import io.baton.services.NodeServices;
import io.baton.journal.replication.JournalReplication;
import io.baton.ops.LoadSource;
import io.baton.serialization.ClusterSerializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.ActorSelection;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ClusterSharding;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.pattern.Patterns;

/**
 * The reports of every node: each node's endpoint runs a reporter actor, the system actor
 * {@value #SERVICE}, that answers {@link Report} with its {@link NodeReport}; {@link #cluster}
 * asks every member's at once (by path, so a member answers as soon as it is up, with no
 * registry to converge first) and keeps those that answer in time.
 *
 * <p>A report is read afresh for every request: the shards and entity counts come from the
 * node's own shard regions ({@code GetShardRegionStats}, a local question), replication from the
 * journal's extension, load from the installed {@link LoadSource}. Nothing is cached; the only
 * mutable field is the load source, a volatile reference any thread may replace.
 */
public final class NodeReports {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NodeReports.class);

  /** How long a client request waits for its entity before the status counts it as waiting. */
  public static final java.time.Duration WAITING_THRESHOLD = java.time.Duration.ofSeconds(1);

  /** The name of the reporter system actor on every node. */
  public static final String SERVICE = "baton-ops-reporter";

  /** The question a reporter answers; crosses nodes. */
  public record Report(ActorRef<NodeReport> replyTo) implements ClusterSerializable {}

  private final ActorSystem<?> system;
  private final NodeObservation observation;
  private final Duration timeout;
  private volatile LoadSource load = LoadSource.NONE;

  private NodeReports(ActorSystem<?> system, NodeObservation observation, Duration timeout) {
    this.system = system;
    this.observation = observation;
    this.timeout = timeout;
  }

  /**
   * Starts this node's reporter (when clustered) and returns the reports; {@code timeout} bounds
   * every question to a region or another node.
   */
  public static NodeReports start(
      ActorSystem<?> system, NodeObservation observation, Duration timeout) {
    NodeReports reports = new NodeReports(system, observation, timeout);
    if (observation.clustered()) {
      NodeServices.get(system).start(ChildSpec.worker(SERVICE, reports::reporter));
    }
    return reports;
  }

  /** Replaces where the load of this node's shards is read (see {@link LoadSource}). */
  public void useLoadSource(LoadSource source) {
    this.load = Objects.requireNonNull(source, "source");
  }

  /** This node's report, read now. */
  public CompletionStage<NodeReport> local() {
    Map<String, Map<String, Integer>> shards = new ConcurrentHashMap<>();
    List<String> unanswered = new java.util.concurrent.CopyOnWriteArrayList<>();
    CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
    // Sharding needs a cluster: a node running alone hosts no shard.
    ClusterSharding sharding =
        observation.clustered() ? ClusterSharding.get(Adapter.toClassic(system)) : null;
    Iterable<String> types = sharding == null ? List.of() : sharding.getShardTypeNames();
    for (String type : types) {
      CompletionStage<Object> stats = Patterns.ask(
          sharding.shardRegion(type), ShardRegion.getRegionStatsInstance(), timeout);
      all = all.thenCombine(stats.handle((reply, failure) -> {
        if (reply instanceof ShardRegion.ShardRegionStats regionStats) {
          Map<String, Integer> counts = new TreeMap<>();
          regionStats.getStats().forEach((shard, entities) ->
              counts.put(shard, ((Number) entities).intValue()));
          shards.put(type, counts);
        } else {
          unanswered.add(type);
        }
        return null;
      }), (a, b) -> null);
    }
    JournalReplication replication = observation.replication().orElse(null);
    return all.thenApply(ignored -> {
      List<String> missing = new ArrayList<>(unanswered);
      missing.sort(null);
      return new NodeReport(
          observation.selfAddress(),
          observation.name(),
          NodeObservation.version(),
          observation.appVersion(),
          io.baton.upgrade.BehaviourVersions.get(system).forStatus(),
          new TreeMap<>(shards),
          missing,
          measuredLoad(),
          replication == null ? null : replication.status(),
          io.baton.ring.Rebalances.get(system).activities(),
          io.baton.client.HttpEntryPoint.get(system).waiting().snapshot(WAITING_THRESHOLD));
    });
  }

  /**
   * The reports of every member this node sees (except Down and Removed ones), keyed by address;
   * this node's is read locally, the others' asked of their reporter ({@code
   * /system/}{@value #SERVICE}). A member that does not answer within the timeout is left out.
   */
  public CompletionStage<Map<String, NodeReport>> cluster() {
    Map<String, NodeReport> reports = new ConcurrentHashMap<>();
    CompletableFuture<Void> all = local().thenAccept(r -> reports.put(r.address(), r))
        .toCompletableFuture();
    if (observation.clustered()) {
      String self = observation.selfAddress();
      for (Member member : Cluster.get(Adapter.toClassic(system)).state().getMembers()) {
        if (member.address().toString().equals(self)
            || member.status().equals(MemberStatus.down())
            || member.status().equals(MemberStatus.removed())) {
          continue;
        }
        ActorSelection reporter = Adapter.toClassic(system).actorSelection(
            member.address() + NodeServices.path(SERVICE));
        // One deadline for both steps, so that a silent member delays the answer by at most
        // the timeout.
        CompletableFuture<NodeReport> answer = reporter.resolveOne(timeout)
            .thenCompose(ref -> AskPattern.<Report, NodeReport>ask(
                Adapter.toTyped(ref), Report::new, timeout, system.scheduler()))
            .toCompletableFuture()
            .completeOnTimeout(null, timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        all = all.thenCombine(answer.handle((report, failure) -> {
          if (report != null) {
            reports.put(report.address(), report);
          }
          return null;
        }), (a, b) -> null);
      }
    }
    return all.handle((ignored, failure) -> Map.copyOf(reports));
  }

  /** The load source's answer; a failing source makes the load unknown, not the report fail. */
  private Map<String, Map<String, Double>> measuredLoad() {
    try {
      Map<String, Map<String, Double>> measured = load.messagesPerSecond();
      return measured == null ? Map.of() : measured;
    } catch (RuntimeException e) {
      LOG.warn("The load source {} failed ({}); /status shows the load as unknown", load, e.toString());
      return Map.of();
    }
  }

  private Behavior<Report> reporter() {
    return Behaviors.receive(Report.class)
        .onMessage(Report.class, question -> {
          local().whenComplete((report, failure) -> {
            if (report != null) {
              question.replyTo().tell(report);
            }
          });
          return Behaviors.same();
        })
        .build();
  }
}
