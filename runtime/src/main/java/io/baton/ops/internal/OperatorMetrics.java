package io.baton.ops.internal;

import io.baton.supervision.ChildSpec;
import io.baton.services.NodeServices;
import io.baton.journal.replication.JournalReplication;
import io.baton.journal.replication.ReplicationStatus;
import io.baton.process.ExitReason;
import io.baton.supervision.SupervisorReport;
import io.baton.supervision.SupervisorReports;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent.CurrentClusterState;
import org.apache.pekko.cluster.Member;

/**
 * The meters of {@code GET /metrics}, bound to one registry.
 *
 * <p>Sharding and drain meters read this node's {@link NodeReport}, which the endpoint reads
 * afresh (asking the node's shard regions) and hands to {@link #update} before each scrape.
 *
 * <p>Journal, replication and cluster meters are functions read at scrape time from the state
 * their owners keep (the store's group-commit counters, the replication extension, Pekko's
 * cluster state): nothing is copied, so nothing drifts. Supervisor meters are counted from {@link
 * SupervisorReport}s by one actor, the only one that touches the supervisor-to-tag map; the map is
 * capped at {@code maxSupervisorTags} paths (later supervisors share the tag {@code other}) so that
 * short-lived, uniquely named supervisors cannot grow the registry without bound.
 */
public final class OperatorMetrics implements AutoCloseable {

  /** The member statuses counted, each a fixed tag value of {@code baton_cluster_members}. */
  private static final List<String> STATUSES = List.of(
      "Joining", "WeaklyUp", "Up", "Leaving", "Exiting", "Down", "Removed",
      "PreparingForShutdown", "ReadyForShutdown");

  private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
  private final MeterRegistry registry;

  /**
   * This node's last report and drain flag, replaced by {@link #update} before every scrape; the
   * sharding gauges read it. Entity types get their gauges when first reported ({@code types} is
   * touched only in {@link #update}, which the endpoint may call from several request threads,
   * hence the concurrent set).
   */
  private final AtomicReference<Local> local = new AtomicReference<>(new Local(null, false));
  private final Set<String> types = ConcurrentHashMap.newKeySet();

  private record Local(NodeReport report, boolean drained) {}

  private OperatorMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * Binds the meters of {@code observation}'s node to {@code registry} and subscribes to the
   * system's supervisor reports.
   */
  public static OperatorMetrics bind(
      ActorSystem<?> system, NodeObservation observation, MeterRegistry registry,
      int maxSupervisorTags) {
    OperatorMetrics metrics = new OperatorMetrics(registry);
    new JvmMemoryMetrics().bindTo(registry);
    metrics.gcMetrics.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);

    observation.replication().ifPresent(replication -> bindJournal(replication, registry));
    if (observation.clustered()) {
      bindCluster(observation, registry);
    }
    Gauge.builder("baton.node.info", () -> 1)
        .tag("baton_version", NodeObservation.version())
        .tag("app_version", observation.appVersion())
        .description("Always 1; the tags are the Baton and application versions this node runs")
        .strongReference(true)
        .register(registry);
    gauge(registry, "baton.requests.waiting", metrics,
        m -> m.local.get().report() == null || m.local.get().report().waiting() == null ? 0
            : m.local.get().report().waiting().values().stream()
                .mapToInt(io.baton.client.WaitingRequests.Waiting::requests).sum(), null,
        "Client requests that entered through this node and have waited over 1 s for their"
            + " entity (a shard moving, without a home, or a node down)");
    gauge(registry, "baton.requests.waiting.oldest", metrics,
        m -> m.local.get().report() == null || m.local.get().report().waiting() == null ? 0
            : m.local.get().report().waiting().values().stream()
                .mapToLong(io.baton.client.WaitingRequests.Waiting::oldestMillis).max()
                .orElse(0) / 1000.0, "seconds",
        "The longest wait of a client request of this node for its entity, over 1 s");
    gauge(registry, "baton.node.drained", metrics,
        m -> m.local.get().drained() ? 1 : 0, null,
        "1 while this node is drained: it must hold no shard (docs/decisions/0011-drain.md)");
    gauge(registry, "baton.drain.shards.left", metrics,
        m -> !m.local.get().drained() || m.local.get().report() == null ? 0
            : m.local.get().report().knownShardCount() == null ? Double.NaN
            : m.local.get().report().knownShardCount(), null,
        "Shards this node still hosts while drained; 0 when its drain is complete or it is not"
            + " drained; NaN while one of its regions did not report");

    bindGate(system, registry, metrics);

    NodeServices.get(system).start(ChildSpec.worker("supervisor-report-counter",
        () -> Behaviors.<SupervisorReport>setup(context -> {
          SupervisorReports.subscribe(context.getSystem(), context.getSelf());
          return reportCounter(registry, maxSupervisorTags);
        })));
    return metrics;
  }

  /**
   * {@code baton_schema_active_version{class}}: per class the gate decided, its active schema
   * version (registered as classes appear, at each scrape); {@code baton_upgrade_held}: 1 while
   * the operator holds the gate.
   */
  private static void bindGate(ActorSystem<?> system, MeterRegistry registry,
      OperatorMetrics metrics) {
    io.baton.upgrade.UpgradeGate gate = io.baton.upgrade.UpgradeGate.get(system);
    Gauge.builder("baton.upgrade.held", gate, g -> g.held() ? 1 : 0)
        .description("1 while the operator holds the version gate: no schema version advances")
        .strongReference(true)
        .register(registry);
    metrics.gate = gate;
  }

  private volatile io.baton.upgrade.UpgradeGate gate;
  private final Set<String> gatedClasses = ConcurrentHashMap.newKeySet();

  /** Registers a gauge for every class the gate decided since the last scrape. */
  private void updateGate() {
    io.baton.upgrade.UpgradeGate current = gate;
    if (current == null) {
      return;
    }
    for (io.baton.upgrade.GateStatus.ClassGate found : current.status().classes()) {
      String name = found.className();
      if (found.active() != null && gatedClasses.add(name)) {
        Gauge.builder("baton.schema.active.version", current, g -> g.status().classes().stream()
                .filter(c -> c.className().equals(name) && c.active() != null)
                .mapToInt(io.baton.upgrade.GateStatus.ClassGate::active).findFirst().orElse(0))
            .tag("class", name)
            .description("The cluster's active schema version of this class as this node's"
                + " version gate decided it (every member reads it; it never goes down)")
            .strongReference(true)
            .register(registry);
      }
    }
  }

  /**
   * Replaces the report the sharding gauges read ({@code baton_sharding_shards{type}}, {@code
   * baton_sharding_entities{type}}, {@code baton_node_drained}, {@code baton_drain_shards_left});
   * the endpoint calls it with a fresh report before each scrape.
   */
  public void update(NodeReport report, boolean drained) {
    local.set(new Local(report, drained));
    updateGate();
    for (String type : report.shards().keySet()) {
      if (types.add(type)) {
        Gauge.builder("baton.sharding.shards", this, m -> m.typeShards(type).size())
            .tag("type", type)
            .description("Shards of this entity type hosted on this node")
            .strongReference(true)
            .register(registry);
        Gauge.builder("baton.sharding.entities", this,
                m -> m.typeShards(type).values().stream().mapToLong(Integer::longValue).sum())
            .tag("type", type)
            .description("Entities of this type running on this node")
            .strongReference(true)
            .register(registry);
      }
    }
  }

  private Map<String, Integer> typeShards(String type) {
    NodeReport report = local.get().report();
    return report == null ? Map.of() : report.shards().getOrDefault(type, Map.of());
  }

  private static void bindJournal(JournalReplication replication, MeterRegistry registry) {
    FunctionCounter.builder("baton.journal.events.written", replication,
            r -> r.store().stats().records())
        .description("Events committed to this node's journal store (its own and replicas')")
        .register(registry);
    FunctionCounter.builder("baton.journal.commit.groups", replication,
            r -> r.store().stats().groups())
        .description("Group commits: batches written to the store, one WAL sync each with fsync on")
        .register(registry);
    FunctionCounter.builder("baton.journal.commit.requests", replication,
            r -> r.store().stats().requests())
        .description("Write requests committed in those groups; requests / groups = group size")
        .register(registry);
    FunctionCounter.builder("baton.journal.events.replicated", replication,
            r -> r.status().replicatedEvents())
        .description("Events of this node's writes confirmed by its replicas")
        .register(registry);
    gauge(registry, "baton.journal.replication.lag", replication,
        r -> r.replicationLag(), "events",
        "Events sent to the replicas and not yet confirmed (the replication lag)");
    gauge(registry, "baton.journal.replicas", replication,
        r -> r.replicaTargets().size(), null,
        "Other nodes that hold copies of this node's writes");
    gauge(registry, "baton.journal.replication.factor", replication,
        r -> r.settings().factor(), null, "Configured replication factor");
    gauge(registry, "baton.journal.under.replicated", replication,
        r -> r.status().underReplicated() ? 1 : 0, null,
        "1 while fewer nodes than the factor hold this node's writes");
    gauge(registry, "baton.journal.catchup.entities.behind", replication,
        r -> r.status().catchUp().stream().mapToLong(ReplicationStatus.CatchUp::entitiesBehind)
            .sum(), null,
        "Owned entities of which some replica still lacks events (background catch-up)");
  }

  private static void bindCluster(NodeObservation observation, MeterRegistry registry) {
    for (String status : STATUSES) {
      Gauge.builder("baton.cluster.members", observation,
              o -> o.clusterState().map(s -> count(s, status)).orElse(0L))
          .tag("status", status)
          .description("Cluster members by status, as this node sees them")
          .strongReference(true)
          .register(registry);
    }
    gauge(registry, "baton.cluster.members.unreachable", observation,
        o -> o.clusterState().map(s -> s.getUnreachable().size()).orElse(0), null,
        "Members marked unreachable by the failure detector");
  }

  private static long count(CurrentClusterState state, String status) {
    long n = 0;
    for (Member member : state.getMembers()) {
      if (member.status().toString().equals(status)) {
        n++;
      }
    }
    return n;
  }

  private static <T> void gauge(MeterRegistry registry, String name, T object,
      ToDoubleFunction<T> value, String unit, String description) {
    Gauge.builder(name, object, value)
        .description(description)
        .baseUnit(unit)
        .strongReference(true)
        .register(registry);
  }

  /** Counts supervisor reports; the tag map is this actor's alone. */
  private static Behavior<SupervisorReport> reportCounter(MeterRegistry registry, int maxTags) {
    return Behaviors.setup(context -> {
      Map<String, String> tags = new HashMap<>();
      java.util.function.Function<SupervisorReport, String> tagOf = report -> {
        String path = report.supervisor().path().toStringWithoutAddress();
        String tag = tags.get(path);
        if (tag == null) {
          tag = tags.size() < maxTags ? path : "other";
          tags.put(path, tag);
        }
        return tag;
      };
      return Behaviors.receive(SupervisorReport.class)
          .onMessage(SupervisorReport.ChildStarted.class, started -> {
            if (started.incarnation() > 1) {
              registry.counter("baton.supervisor.restarts", "supervisor", tagOf.apply(started))
                  .increment();
            }
            return Behaviors.same();
          })
          .onMessage(SupervisorReport.ChildExited.class, exited -> {
            registry.counter("baton.supervisor.child.exits", "supervisor", tagOf.apply(exited),
                "reason", reasonLabel(exited.reason())).increment();
            return Behaviors.same();
          })
          .onMessage(SupervisorReport.StartError.class, error -> {
            registry.counter("baton.supervisor.start.errors", "supervisor", tagOf.apply(error))
                .increment();
            return Behaviors.same();
          })
          .onMessage(SupervisorReport.MaxIntensityReached.class, reached -> {
            registry.counter("baton.supervisor.max.intensity.reached", "supervisor",
                tagOf.apply(reached)).increment();
            return Behaviors.same();
          })
          .onAnyMessage(other -> Behaviors.same())
          .build();
    });
  }

  /** A label of the closed set of exit reasons: normal, shutdown, kill, killed, noproc, ... */
  static String reasonLabel(ExitReason reason) {
    return reason.getClass().getSimpleName().toLowerCase(Locale.ROOT);
  }

  @Override
  public void close() {
    gcMetrics.close();
  }
}
