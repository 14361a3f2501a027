package io.baton.runtime;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.baton.journal.replication.JournalReplication;
import io.baton.ring.DrainStatus;
import io.baton.ring.LoadMeter;
import io.baton.ring.NodeDrain;
import io.baton.ring.ProcessDeathDetector;
import io.baton.ring.RingSuccessorAllocation;
import io.baton.services.NodeServices;
import io.baton.supervision.ChildSpec;
import io.baton.upgrade.BehaviourVersion;
import io.baton.upgrade.BehaviourVersions;
import io.baton.upgrade.SchemaVersions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityContext;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * A running Baton node: an ActorSystem configured by {@link NodeConfig}, the replicated journal as
 * the persistence plugin, the {@link ProcessDeathDetector}, and sharded entity types placed by
 * {@link RingSuccessorAllocation}. It joins its seed nodes once its journal is open; a node given
 * no seed nodes starts a cluster of its own, so a single node needs no configuration at all.
 *
 * <pre>{@code
 * BatonNode node = BatonNode.start(NodeConfig.load());
 * node.register(Account.KEY, ctx -> Account.create(ctx.getEntityId()));
 * node.entityRefFor(Account.KEY, "alice").ask(...);
 * }</pre>
 *
 * <p>Entity behaviours are ordinary Pekko behaviours; an {@code EventSourcedBehavior} is replicated
 * to the ring successor without code changes, which is what lets a dead node's entities resume on
 * that successor from local data (docs/decisions/0009-fast-takeover.md).
 *
 * <p><b>Configuration layers</b>, highest first: JVM system properties; the Pekko keys {@link
 * NodeConfig} derives; {@code application} (the caller's configuration, without reference.conf);
 * the node defaults of this class (the Baton journal as the persistence plugin, under the node's
 * data directory, and no removal margin, since the journal fences stale owners); reference.conf.
 *
 * <p>Thread-safe: {@link #register} may be called from any thread, typically once per type at
 * start.
 */
public final class BatonNode implements AutoCloseable {

  /** How long a drain or undrain waits for every member to confirm it. */
  private static final Duration DRAIN_WRITE_TIMEOUT = Duration.ofSeconds(3);

  private final NodeConfig node;
  private final ActorSystem<Void> system;
  private final List<EntityTypeKey<?>> types = new java.util.concurrent.CopyOnWriteArrayList<>();

  private BatonNode(NodeConfig node, ActorSystem<Void> system) {
    this.node = node;
    this.system = system;
  }

  /** Starts the node with the application's configuration (application.conf). */
  public static BatonNode start(NodeConfig node) {
    return start(node, ConfigFactory.defaultApplication());
  }

  /**
   * Starts the node. {@code application} is the caller's configuration, without reference.conf
   * (e.g. {@code ConfigFactory.parseString(...)} or {@code ConfigFactory.defaultApplication()}).
   */
  public static BatonNode start(NodeConfig node, Config application) {
    String journalDir = node.dataDir().resolve("journal").toAbsolutePath().toString()
        .replace("\\", "/");
    Config defaults = ConfigFactory.parseString("""
        pekko.persistence.journal.plugin = "baton.journal"
        pekko.persistence.snapshot-store.plugin = "baton.snapshot-store"
        baton.journal.dir = "%s"
        # The journal fences a stale owner (sync replication, factor 2): no second wait needed.
        baton.node.downing.removal-margin = 0s
        """.formatted(journalDir),
        com.typesafe.config.ConfigParseOptions.defaults().setOriginDescription("BatonNode defaults"));
    Config base = application.withFallback(defaults).withFallback(ConfigFactory.defaultReference());
    // What this jar supports, in the configuration Pekko sends with the join request: the
    // cluster refuses a jar too old or too new for its active schema versions (decision 0014).
    Config config = io.baton.upgrade.internal.JoinGuard.advertise(node.toPekkoConfig(base),
        BatonNode.class.getClassLoader());
    // Join only once the journal's replica endpoint listens. A node is a replica target as soon
    // as it is Up; had it joined at start (seed nodes in the configuration), the first writes
    // and ownership changes its peers send it while its store still opens went to an endpoint
    // that did not exist yet, were lost, and held every write of those peers for the journal's
    // ack-timeout (10 s measured in the bank demo when a killed node came back).
    List<Address> seeds = new ArrayList<>();
    for (String seed : config.getStringList("pekko.cluster.seed-nodes")) {
      seeds.add(org.apache.pekko.actor.AddressFromURIString.parse(seed));
    }
    // A data directory of another cluster is refused before anything opens it (issue 11).
    ClusterIdentity.recordOrCheck(node.dataDir(), node.clusterName());
    // A lone node (no seed but itself) has no copy to repair a damaged journal from: it refuses.
    Address selfAddress = new Address("pekko", node.clusterName(), node.host(), node.port());
    boolean lone = seeds.isEmpty() || seeds.equals(List.of(selfAddress));
    Map<String, Object> facts = new HashMap<>();
    facts.put("pekko.cluster.seed-nodes", List.of());
    if (lone) {
      facts.put("baton.journal.integrity.on-damaged-log", "refuse");
    }
    Config joinLater = ConfigFactory.parseMap(facts, "BatonNode: joins after the journal")
        .withFallback(config);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), node.clusterName(), joinLater);
    try {
      return started(node, system, seeds);
    } catch (RuntimeException failed) {
      // Start-up either fully succeeds or leaves nothing running: no half-started node whose
      // ports are bound while its journal never opened (issue 11).
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
      throw failed;
    }
  }

  /**
   * The node's services in start order, as data: each starts its part of the node's supervision
   * tree ({@link NodeServices}), which restarts what fails and, on shutdown, stops them in reverse
   * order. A later service may use an earlier one; none uses a later one.
   */
  private static final List<NodeService> SERVICES = List.of(
      new NodeService("death detector", system -> NodeServices.get(system).start(
          ChildSpec.worker("death-detector", () -> ProcessDeathDetector.create(
              ProcessDeathDetector.Settings.fromConfig(system.settings().config()))))),
      // Validates baton.upgrade.migrations now, rather than at the first write.
      new NodeService("schema versions", SchemaVersions::get),
      new NodeService("join guard", io.baton.upgrade.internal.JoinGuard::install),
      new NodeService("journal replication", JournalReplication::get),
      new NodeService("drain", NodeDrain::get),
      new NodeService("load meter", system -> {
        LoadMeter meter = LoadMeter.get(system);
        // /status shows each shard's measured messages per second (null until the first sample).
        io.baton.ops.OperatorEndpoint.get(system).useLoadSource(() -> meter.local().rates());
      }),
      new NodeService("version gate", io.baton.upgrade.internal.VersionGateActor::start),
      new NodeService("first-seed probe", io.baton.ring.FirstSeedJoin::startProbe));

  /** One step of a node's start: {@code start} starts the service (and its part of the tree). */
  private record NodeService(String name, java.util.function.Consumer<ActorSystem<Void>> start) {}

  private static BatonNode started(NodeConfig node, ActorSystem<Void> system,
      List<Address> seeds) {
    // A stopping node's process ends even if its actor system never finishes terminating.
    NodeExit.guardTermination(system, Runtime.getRuntime()::halt);
    for (NodeService service : SERVICES) {
      service.start().accept(system);
    }
    Address self = Cluster.get(system).selfMember().address();
    if (seeds.isEmpty()) {
      // No seed nodes (a node started with no flags): it starts a cluster of its own, which
      // other nodes may join by naming it as their seed.
      seeds.add(self);
    }
    if (seeds.size() > 1 && seeds.get(0).equals(self)) {
      // The first of several seeds: never a second cluster beside a live one (FirstSeedJoin).
      io.baton.ring.FirstSeedJoin.join(system, self, seeds);
    } else {
      Cluster.get(system).manager().tell(new org.apache.pekko.cluster.typed.JoinSeedNodes(seeds));
    }
    return new BatonNode(node, system);
  }

  public NodeConfig config() {
    return node;
  }

  public ActorSystem<Void> system() {
    return system;
  }

  /**
   * Starts sharding for an entity type on this node, placed by a {@link RingSuccessorAllocation}
   * of its own, and keeps that strategy informed of where every shard of the type is (every
   * {@code baton.ring.allocation.observe-interval}) so that the node can take over as
   * coordinator with that knowledge. Returns the shard region.
   */
  public <M> ActorRef<ShardingEnvelope<M>> register(
      EntityTypeKey<M> key, Function<EntityContext<M>, Behavior<M>> create) {
    return register(Entity.of(key, create::apply));
  }

  /**
   * As {@link #register(EntityTypeKey, Function)}, declaring the version of the type's behaviour
   * on this node (shown by the operator status; see {@link BehaviourVersion}).
   */
  public <M> ActorRef<ShardingEnvelope<M>> register(EntityTypeKey<M> key,
      Function<EntityContext<M>, Behavior<M>> create, BehaviourVersion version) {
    return register(Entity.of(key, create::apply), version);
  }

  /** As {@link #register(Entity)}, declaring the version of the type's behaviour on this node. */
  public <M> ActorRef<ShardingEnvelope<M>> register(
      Entity<M, ShardingEnvelope<M>> entity, BehaviourVersion version) {
    BehaviourVersions.get(system).declare(entity.typeKey().name(), version);
    return register(entity);
  }

  /**
   * As {@link #register(EntityTypeKey, Function)}, for an entity with settings of its own. Every
   * message delivered to one of its entities on this node is counted for the entity's shard by the
   * node's {@link LoadMeter}, which is how rebalancing knows the busiest node. A type registered
   * without a {@link BehaviourVersion} is at version 1.
   */
  public <M> ActorRef<ShardingEnvelope<M>> register(Entity<M, ShardingEnvelope<M>> entity) {
    String type = entity.typeKey().name();
    BehaviourVersions.get(system).declareDefault(type);
    RingSuccessorAllocation strategy = RingSuccessorAllocation.forType(system, type);
    types.add(entity.typeKey());
    ShardingMessageExtractor<ShardingEnvelope<M>, M> extractor = entity.messageExtractor()
        .orElseGet(() -> ShardingMessageExtractor.apply(entity.settings()
            .orElseGet(() -> ClusterShardingSettings.create(system)).numberOfShards()));
    LoadMeter meter = LoadMeter.get(system);
    org.apache.pekko.japi.function.Function<EntityContext<M>, Behavior<M>> create =
        entity.createBehavior();
    Entity<M, ShardingEnvelope<M>> measured = withBehaviour(entity,
        context -> meter.measure(type, extractor.shardId(context.getEntityId()),
            create.apply(context)));
    ActorRef<ShardingEnvelope<M>> region =
        ClusterSharding.get(system).init(measured.withAllocationStrategy(strategy));
    Duration every = system.settings().config()
        .getDuration(RingSuccessorAllocation.PATH + ".observe-interval");
    NodeServices.get(system).start(ChildSpec.worker(
        "allocation-observer-" + entity.typeKey().name(),
        () -> observer(entity.typeKey(), entity.role(), strategy, every)));
    return region;
  }

  /**
   * {@code entity} with {@code create} as its behaviour factory and every other setting kept (stop
   * message, props, settings, message extractor, allocation strategy, role, data centre), built
   * through Pekko's public {@code Entity.of} and {@code with...} methods only.
   */
  static <M> Entity<M, ShardingEnvelope<M>> withBehaviour(Entity<M, ShardingEnvelope<M>> entity,
      org.apache.pekko.japi.function.Function<EntityContext<M>, Behavior<M>> create) {
    Entity<M, ShardingEnvelope<M>> copy =
        Entity.of(entity.typeKey(), create).withEntityProps(entity.entityProps());
    if (entity.stopMessage().isPresent()) {
      copy = copy.withStopMessage(entity.stopMessage().get());
    }
    if (entity.settings().isPresent()) {
      copy = copy.withSettings(entity.settings().get());
    }
    if (entity.messageExtractor().isPresent()) {
      copy = copy.withMessageExtractor(entity.messageExtractor().get());
    }
    if (entity.allocationStrategy().isPresent()) {
      copy = copy.withAllocationStrategy(entity.allocationStrategy().get());
    }
    if (entity.role().isPresent()) {
      copy = copy.withRole(entity.role().get());
    }
    if (entity.dataCenter().isPresent()) {
      copy = copy.withDataCenter(entity.dataCenter().get());
    }
    return copy;
  }

  /**
   * Exposes an entity type registered on this node to clients over HTTP, at {@code
   * /entities/<key.name()>/{id}} of the node's {@link io.baton.client.HttpEntryPoint} (served when
   * {@code baton.client.http.enabled} is on): a request's JSON body is read as {@code
   * payloadType} and wrapped by {@code command}, with its reply address, into the entity's
   * command.
   */
  public <M, P, R> void exposeOverHttp(EntityTypeKey<M> key, Class<P> payloadType,
      java.util.function.BiFunction<io.baton.client.Request<P>,
          ActorRef<io.baton.client.Reply<R>>, M> command) {
    io.baton.client.HttpEntryPoint.get(system).expose(key, payloadType, command);
  }

  /** A reference to one entity, wherever it lives. */
  public <M> EntityRef<M> entityRefFor(EntityTypeKey<M> key, String entityId) {
    return ClusterSharding.get(system).entityRefFor(key, entityId);
  }

  /**
   * Drains {@code member}: the shard coordinator allocates nothing to it any more and moves every
   * shard it hosts to its ring successor (which holds their events), so that it can then be
   * stopped with no impact. Follow progress with {@link #drainStatus}. Completes with {@code true}
   * once every reachable member knows of the drain (docs/decisions/0011-drain.md).
   */
  public CompletionStage<Boolean> drain(Address member) {
    return NodeDrain.get(system).drain(member, DRAIN_WRITE_TIMEOUT);
  }

  /**
   * The measured load: messages per second per shard on this node ({@link LoadMeter#local}) and on
   * every member ({@link LoadMeter#cluster}).
   */
  public LoadMeter load() {
    return LoadMeter.get(system);
  }

  /** Ends {@code member}'s drain: ordinary rebalancing gives it about half the busiest load. */
  public CompletionStage<Boolean> undrain(Address member) {
    return NodeDrain.get(system).undrain(member, DRAIN_WRITE_TIMEOUT);
  }

  /**
   * Per member of the cluster, the shards it hosts (of every type registered on this node) and
   * whether it is drained and empty. Asks every region; {@code timeout} bounds each type's query.
   */
  public CompletionStage<DrainStatus> drainStatus(Duration timeout) {
    Map<Address, List<String>> shards = new java.util.concurrent.ConcurrentHashMap<>();
    for (Member member : Cluster.get(system).state().getMembers()) {
      if (member.status() != MemberStatus.down() && member.status() != MemberStatus.removed()) {
        shards.put(member.address(), new java.util.concurrent.CopyOnWriteArrayList<>());
      }
    }
    CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
    for (EntityTypeKey<?> key : types) {
      CompletionStage<ShardRegion.ClusterShardingStats> stats = AskPattern.ask(
          ClusterSharding.get(system).shardState(),
          (ActorRef<ShardRegion.ClusterShardingStats> replyTo) ->
              new GetClusterShardingStats(key, timeout, replyTo),
          timeout.plusSeconds(1),
          system.scheduler());
      all = all.thenCombine(stats, (ignored, reply) -> {
        reply.getRegions().forEach((address, region) -> {
          List<String> hosted = shards.computeIfAbsent(
              address, a -> new java.util.concurrent.CopyOnWriteArrayList<>());
          region.getStats().keySet().forEach(shard -> hosted.add(key.name() + "/" + shard));
        });
        return null;
      });
    }
    return all.thenApply(ignored -> {
      java.util.Set<Address> drained = NodeDrain.get(system).drained();
      Map<Address, DrainStatus.NodeShards> nodes = new HashMap<>();
      shards.forEach((address, hosted) -> {
        List<String> sorted = new ArrayList<>(hosted);
        sorted.sort(null);
        nodes.put(address,
            new DrainStatus.NodeShards(address, drained.contains(address), sorted));
      });
      return new DrainStatus(nodes);
    });
  }

  /**
   * The shards this node hosts now, per entity type registered on it: a local question to each of
   * the node's own regions (nothing crosses the network), each bounded by {@code timeout}. Fails
   * (with the ask's timeout) if a region does not answer in time.
   */
  public CompletionStage<Map<String, List<String>>> hostedShards(Duration timeout) {
    Map<String, List<String>> hosted = new java.util.concurrent.ConcurrentHashMap<>();
    CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
    for (EntityTypeKey<?> key : types) {
      CompletionStage<ShardRegion.CurrentShardRegionState> state = AskPattern.ask(
          ClusterSharding.get(system).shardState(),
          (ActorRef<ShardRegion.CurrentShardRegionState> replyTo) ->
              new org.apache.pekko.cluster.sharding.typed.GetShardRegionState(key, replyTo),
          timeout,
          system.scheduler());
      all = all.thenCombine(state, (ignored, reply) -> {
        List<String> shards = new ArrayList<>();
        reply.getShards().forEach(shard -> shards.add(shard.shardId()));
        shards.sort(null);
        hosted.put(key.name(), shards);
        return null;
      });
    }
    return all.thenApply(ignored -> Map.copyOf(hosted));
  }

  /**
   * Ends this JVM once the node's actor system has terminated, with an exit status that says why,
   * for a process that runs one node (its {@code main} calls this after {@link #start}):
   *
   * <ul>
   *   <li>0: the stop was asked for (SIGTERM, {@link #close()}, a graceful leave);
   *   <li>{@code baton.node.exit.stopped-by-cluster-status} (2): the cluster stopped the node (it was
   *       downed, its join was refused or did not succeed in time): start it again to rejoin as a
   *       new incarnation;
   *   <li>1: a coordinated shutdown with a reason of the application's own.
   * </ul>
   *
   * <p>The JVM halts (shutdown hooks do not run again: the node's own shutdown is complete). A
   * supervisor (systemd, Kubernetes) then restarts a node that exited non-zero.
   */
  public void exitWhenTerminated() {
    NodeExit.haltWhenTerminated(system);
  }

  /** Stops the node gracefully (leaving the cluster, handing its shards off). */
  @Override
  public void close() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }

  /**
   * Asks where all shards of the type are, now and then, and tells the strategy, on the one member
   * that needs it: the coordinator's successor (the second-oldest Up member with the type's role),
   * which must know the shards of the oldest node if it dies. The coordinator itself learns every
   * allocation first-hand. One question at a time: a question fans out to every shard of the
   * cluster, and under load asking again before the last answer only adds to the load (measured:
   * every node asking every second made the shards' answers time out at 50 transfers/s).
   */
  private static Behavior<ShardRegion.ClusterShardingStats> observer(
      EntityTypeKey<?> key, java.util.Optional<String> role, RingSuccessorAllocation strategy,
      Duration every) {
    return Behaviors.<Object>setup(context -> Behaviors.withTimers(timers -> {
      Object tick = "tick";
      timers.startTimerWithFixedDelay(tick, every);
      Cluster cluster = Cluster.get(context.getSystem());
      long[] askedAt = {0L};
      long giveUpNanos = every.multipliedBy(3).toNanos();
      return Behaviors.receive(Object.class)
          .onMessageEquals(tick, () -> {
            long now = System.nanoTime();
            boolean waiting = askedAt[0] != 0L && now - askedAt[0] < giveUpNanos;
            if (!waiting && isCoordinatorSuccessor(cluster, role)) {
              askedAt[0] = now;
              ClusterSharding.get(context.getSystem()).shardState().tell(
                  new GetClusterShardingStats(
                      key, every, context.getSelf().<ShardRegion.ClusterShardingStats>narrow()));
            }
            return Behaviors.same();
          })
          .onMessage(ShardRegion.ClusterShardingStats.class, stats -> {
            askedAt[0] = 0L;
            Map<Address, List<String>> shards = new HashMap<>();
            stats.getRegions().forEach(
                (address, region) -> shards.put(address, new ArrayList<>(region.getStats().keySet())));
            strategy.observe(shards);
            return Behaviors.same();
          })
          .build();
    })).narrow();
  }

  /** Whether this member is the second-oldest Up member with {@code role} (any, if empty). */
  static boolean isCoordinatorSuccessor(Cluster cluster, java.util.Optional<String> role) {
    Member self = cluster.selfMember();
    if (self.status() != MemberStatus.up()) {
      return false;
    }
    int older = 0;
    for (Member member : cluster.state().getMembers()) {
      boolean eligible = member.status() == MemberStatus.up()
          && role.map(member::hasRole).orElse(true);
      if (eligible && !member.equals(self) && member.isOlderThan(self)) {
        older++;
      }
    }
    return older == 1;
  }
}
