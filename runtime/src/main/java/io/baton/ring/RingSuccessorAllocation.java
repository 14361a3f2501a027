package io.baton.ring;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.sharding.ShardCoordinator;
import org.apache.pekko.dispatch.Futures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.immutable.IndexedSeq;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A Cluster Sharding allocation strategy for the ring: a dead node's shards go to its ring
 * successor, which already holds their events; a new shard starts where its first message came
 * from; a node that joins gets about half of the busiest node's load, measured in messages per
 * second ({@link LoadMeter}), or of its shards while no load is measured. The decisions are the pure
 * functions of {@link ShardPlacement}; this class feeds them and keeps what they need to remember.
 *
 * <p>Use one instance per entity type on every node; {@code BatonNode.register} does it, and wraps
 * the entities in {@link LoadMeter#measure} so that their load is measured: {@code
 * Entity.of(key, factory).withAllocationStrategy(RingSuccessorAllocation.forType(system,
 * key.name()))}.
 *
 * <h2>What it remembers, and who touches it</h2>
 * Only the shard coordinator (a cluster singleton on the oldest node) calls {@link #allocateShard}
 * and {@link #rebalance}, on its actor thread. They need each shard's previous owner after the
 * owner is gone, which the coordinator no longer tells, so this class remembers the last owner
 * of every shard ({@code lastOwner}) and the destination of every move it planned ({@code
 * planned}). Both are concurrent maps because {@link #observe} may feed {@code lastOwner} from
 * another thread: every node's instance is fed the cluster-wide allocations periodically, so that
 * when the coordinator moves to another node (the old one died with it) the new coordinator still
 * knows the dead node's shards. A shard whose previous owner was never observed falls back to the
 * least-loaded node: still correct, as the new owner tops its copy up from the replicas before
 * replaying (docs/decisions/0007), only not local.
 *
 * <h2>Drained nodes</h2>
 * Both decisions respect the set of drained nodes that {@link NodeDrain} replicates to every node
 * (docs/decisions/0011-drain.md): nothing is allocated to a drained node and rebalance empties it
 * onto its ring successor. The strategy reads the set from its own node's {@link NodeDrain}, set
 * in {@link #start}; {@link #withDrainedNodes} replaces that source (tests).
 *
 * <h2>Load</h2>
 * A strategy created {@link #forType for an entity type} reads, on every rebalance, each member's
 * measured shard rates of that type from its node's {@link LoadMeter} (replicated to every node, so
 * the coordinator reads them locally). A shard's rate is the sum of what every current member
 * reports for it: the node that hosts it now and, while its rate there decays, the node it just
 * left, so a moved shard counts fully for its new node at once (docs/decisions/0012). Reports lag
 * a move by up to a publish interval plus a gossip round, so for one settle time ({@code
 * baton.ring.load.settle-time}) after a load move, or after a shard was allocated to a node,
 * those nodes count as unmeasured and no further load move is made (hysteresis), unless a node
 * hosts nothing (it joined or was undrained: it gets its share at once); drains and count balancing
 * are not held back. {@link
 * #withShardRates} replaces that source (tests).
 */
public final class RingSuccessorAllocation extends ShardCoordinator.AbstractShardAllocationStrategy
    implements ShardCoordinator.ActorSystemDependentAllocationStrategy {

  private static final Logger LOG = LoggerFactory.getLogger(RingSuccessorAllocation.class);

  /** Where its settings live. */
  public static final String PATH = "baton.ring.allocation";

  private final ShardPlacement.Tolerance tolerance;
  private final String type;
  private final Map<String, Address> lastOwner = new ConcurrentHashMap<>();
  private final Map<String, Address> planned = new ConcurrentHashMap<>();
  private volatile Address self;
  private volatile Supplier<Set<Address>> drained = Set::of;
  private volatile boolean drainedGiven;
  private volatile Supplier<Map<Address, Map<String, Double>>> rates = Map::of;
  private volatile boolean ratesGiven;
  /** How long the two nodes of a load move count as unmeasured after it; 0: not at all. */
  private volatile long settleNanos;
  /** The monotonic clock of settle times and decisions: the system's, or a test's. */
  private volatile io.baton.supervision.Ticker ticker = io.baton.supervision.Ticker.system();
  /**
   * Nodes whose load reports do not show their latest change yet (a load move, a shard allocated
   * to them), and until when (its ticker's nanoseconds) they settle.
   */
  private final Map<Address, Long> settling = new ConcurrentHashMap<>();
  /** What the coordinator's last rebalance ticks did, for the operator status; coordinator only. */
  private volatile int movingNow;
  private volatile long rounds;
  private volatile long shardsMoved;
  private volatile RebalanceActivity.Round lastRound;
  /** Whether the last rebalance tick found the type balanced (see RebalanceActivity). */
  private volatile boolean balancedNow;
  /**
   * When this node's strategy last decided a rebalance (its ticker's nanoseconds); 0 before the
   * first. Only the coordinator's node decides, every rebalance-interval: a decision older than
   * {@link #DECISION_FRESH} is a former coordinator's, and says nothing of balance now.
   */
  private volatile long lastDecisionNanos;
  private static final long DECISION_FRESH = java.time.Duration.ofSeconds(15).toNanos();

  private RingSuccessorAllocation(ShardPlacement.Tolerance tolerance, String type) {
    this.tolerance = java.util.Objects.requireNonNull(tolerance, "tolerance");
    this.type = type;
  }

  /**
   * A strategy that balances shard counts only, accepting counts differing by {@code tolerance}
   * as balanced (no load is measured for it).
   */
  public static RingSuccessorAllocation create(double tolerance) {
    return new RingSuccessorAllocation(
        new ShardPlacement.Tolerance(tolerance, 1, Double.POSITIVE_INFINITY), null);
  }

  /** A strategy with these tolerances for entity type {@code type} (see {@link #forType}). */
  public static RingSuccessorAllocation create(ShardPlacement.Tolerance tolerance, String type) {
    return new RingSuccessorAllocation(tolerance, java.util.Objects.requireNonNull(type, "type"));
  }

  /**
   * A shard-count strategy configured by {@code baton.ring.allocation} of the system's
   * configuration; prefer {@link #forType}, which balances measured load.
   */
  public static RingSuccessorAllocation create(
      org.apache.pekko.actor.typed.ActorSystem<?> system) {
    return fromConfig(system.settings().config());
  }

  /**
   * The strategy for entity type {@code type} (its {@code EntityTypeKey} name), configured by
   * {@code baton.ring.allocation}: it balances the load the node's {@link LoadMeter} measures for
   * that type, and shard counts while none is measured.
   */
  public static RingSuccessorAllocation forType(
      org.apache.pekko.actor.typed.ActorSystem<?> system, String type) {
    RingSuccessorAllocation strategy = create(tolerance(system.settings().config()), type);
    strategy.settleNanos =
        LoadMeter.Settings.fromConfig(system.settings().config()).settleTime().toNanos();
    Rebalances.get(system).track(type, strategy);
    return strategy;
  }

  /**
   * This strategy, reading {@code ticker} for settle times and the freshness of its decisions
   * instead of the system's monotonic clock (a test's manual ticker); never the wall clock.
   */
  public RingSuccessorAllocation withTicker(io.baton.supervision.Ticker ticker) {
    this.ticker = java.util.Objects.requireNonNull(ticker, "ticker");
    return this;
  }

  /**
   * This strategy, counting the two nodes of a load move, and a node a shard was allocated to, as
   * unmeasured for {@code settle} afterwards (their reports lag the change); {@link #forType} uses
   * {@code baton.ring.load.settle-time}.
   */
  public RingSuccessorAllocation withSettleTime(java.time.Duration settle) {
    this.settleNanos = settle.toNanos();
    return this;
  }

  /** A shard-count strategy configured by {@code baton.ring.allocation} of {@code config}. */
  public static RingSuccessorAllocation fromConfig(Config config) {
    return new RingSuccessorAllocation(tolerance(config), null);
  }

  /** The validated tolerances of {@code baton.ring.allocation} of {@code config}. */
  public static ShardPlacement.Tolerance tolerance(Config config) {
    Config allocation = config.getConfig(PATH);
    return new ShardPlacement.Tolerance(allocation.getDouble("rebalance-tolerance"),
        allocation.getDouble("load-tolerance"), allocation.getDouble("load-threshold"));
  }

  /**
   * This strategy, reading each member's shard rates (messages per second) from {@code source}
   * instead of the {@link LoadMeter}.
   */
  public RingSuccessorAllocation withShardRates(
      Supplier<Map<Address, Map<String, Double>>> source) {
    this.rates = java.util.Objects.requireNonNull(source, "source");
    this.ratesGiven = true;
    return this;
  }

  /** This strategy, reading the drained nodes from {@code source} instead of {@link NodeDrain}. */
  public RingSuccessorAllocation withDrainedNodes(Supplier<Set<Address>> source) {
    this.drained = java.util.Objects.requireNonNull(source, "source");
    this.drainedGiven = true;
    return this;
  }

  @Override
  public void start(ActorSystem system) {
    self = Cluster.get(system).selfAddress();
    if (!drainedGiven) {
      NodeDrain drain = NodeDrain.get(org.apache.pekko.actor.typed.javadsl.Adapter.toTyped(system));
      drained = drain::drained;
    }
    if (!ratesGiven && type != null) {
      LoadMeter meter = LoadMeter.get(org.apache.pekko.actor.typed.javadsl.Adapter.toTyped(system));
      rates = () -> meter.rates(type);
    }
  }

  /**
   * Records where shards are now, for example from {@code GetClusterShardingStats}. Safe from any
   * thread.
   */
  public void observe(Map<Address, ? extends Collection<String>> shardsByNode) {
    shardsByNode.forEach(
        (node, shards) -> {
          for (String shard : shards) {
            lastOwner.put(shard, node);
          }
        });
  }

  /** The last node known to host {@code shard}, or {@code null}. */
  public Address lastOwner(String shard) {
    return lastOwner.get(shard);
  }

  @Override
  public Future<ActorRef> allocateShard(
      ActorRef requester, String shardId, Map<ActorRef, IndexedSeq<String>> current) {
    Map<Address, ActorRef> regions = new HashMap<>();
    Map<Address, List<String>> shards = shardsByNode(current, regions);
    observe(shards);
    Address previous = lastOwner.get(shardId);
    Address target =
        ShardPlacement.allocate(
            regions.keySet(),
            // The coordinator asks for itself (not a region) when a region died: no locality.
            regions.containsValue(requester) ? addressOf(requester) : null,
            previous,
            planned.remove(shardId),
            ShardPlacement.shardCounts(shards),
            drained.get());
    lastOwner.put(shardId, target);
    settle(target);
    if (previous != null && !regions.containsKey(previous)) {
      LOG.info("Shard [{}] of gone node {} allocated to its ring successor {}",
          shardId, previous, target);
    } else {
      LOG.debug("Shard [{}] allocated to {}", shardId, target);
    }
    return Futures.successful(regions.get(target));
  }

  @Override
  public Future<java.util.Set<String>> rebalance(
      Map<ActorRef, IndexedSeq<String>> current, Set<String> inProgress) {
    Map<Address, List<String>> shards = shardsByNode(current, new HashMap<>());
    observe(shards);
    return Futures.successful(decideRebalance(shards, inProgress));
  }

  /**
   * The rebalance decision on where the shards are now ({@code shards}, every region's node with
   * the shards it hosts) and the shards in hand-off: the shards to move now. {@link #rebalance}
   * without Pekko's types.
   */
  Set<String> decideRebalance(Map<Address, List<String>> shards, Set<String> inProgress) {
    Set<Address> drainedNow = drained.get();
    Map<Address, Map<String, Double>> reports = rates.get();
    Map<String, Double> shardRates = shardRates(reports, shards.keySet());
    Set<Address> unmeasured = new HashSet<>(shards.keySet());
    unmeasured.removeAll(reports.keySet());
    boolean emptyNode = shards.entrySet().stream()
        .anyMatch(e -> e.getValue().isEmpty() && !drainedNow.contains(e.getKey()));
    long now = ticker.nanoTime();
    settling.values().removeIf(until -> now - until >= 0);
    if (!emptyNode) {
      // Their reports do not show the last change fully yet (publish interval, gossip, the moving
      // average): deciding on them now would over- or under-count the shards that just arrived.
      unmeasured.addAll(settling.keySet());
    }
    List<ShardPlacement.Move> moves = ShardPlacement.rebalanceByLoad(
        shards, shardRates, unmeasured, inProgress, tolerance, drainedNow);
    Set<String> moving = new HashSet<>();
    double movedLoad = 0;
    for (ShardPlacement.Move move : moves) {
      planned.put(move.shard(), move.to());
      moving.add(move.shard());
      movedLoad += shardRates.getOrDefault(move.shard(), 0.0);
    }
    movingNow = inProgress.size() + moving.size();
    // Waiting for a load report (a node that just got shards, or just joined) is not balance; in
    // a cold cluster (below the load threshold) counts decide and reports do not matter.
    boolean cold = shardRates.values().stream().mapToDouble(Double::doubleValue).sum()
        < tolerance.minRate();
    boolean measuring = !cold && shards.entrySet().stream()
        .anyMatch(e -> unmeasured.contains(e.getKey()) && !e.getValue().isEmpty());
    balancedNow = movingNow == 0 && !measuring;
    lastDecisionNanos = ticker.nanoTime();
    if (!moves.isEmpty()) {
      String kind = drainedNow.contains(moves.get(0).from()) ? "drain"
          : shardRates.values().stream().mapToDouble(Double::doubleValue).sum()
              >= tolerance.minRate() ? "load" : "count";
      lastRound = new RebalanceActivity.Round(System.currentTimeMillis(), kind,
          moves.get(0).from().toString(), moves.get(0).to().toString(), moves.size());
      rounds++;
      shardsMoved += moves.size();
    }
    if (!moves.isEmpty() && drainedNow.contains(moves.get(0).from())) {
      LOG.info("Drain: moving {} shards of drained node {} to {}",
          moves.size(), moves.get(0).from(), moves.get(0).to());
    } else if (!moves.isEmpty()) {
      Address from = moves.get(0).from();
      if (movedLoad > 0) {
        settle(from);
        settle(moves.get(0).to());
      }
      Map<Address, Double> loads = ShardPlacement.nodeLoads(shards, shardRates);
      LOG.info("Rebalance: moving {} of {} shards ({} of {} msg/s) from {} to {} ({} msg/s)",
          moves.size(), shards.get(from).size(), String.format("%.1f", movedLoad),
          String.format("%.1f", loads.get(from)), from, moves.get(0).to(),
          String.format("%.1f", loads.get(moves.get(0).to())));
    }
    return moving;
  }

  /** What this strategy's rebalancing is doing (see {@link RebalanceActivity}). */
  public RebalanceActivity activity() {
    return new RebalanceActivity(self == null ? "" : self.toString(), type == null ? "" : type,
        movingNow, rounds, shardsMoved, lastRound,
        lastDecisionNanos != 0 && ticker.nanoTime() - lastDecisionNanos < DECISION_FRESH
            ? balancedNow : null);
  }

  /**
   * Each shard's rate: the sum over the current members of what each reports for it. Reports of
   * nodes that host no region now (gone) are left out.
   */
  private static Map<String, Double> shardRates(
      Map<Address, Map<String, Double>> reports, Set<Address> members) {
    Map<String, Double> sum = new HashMap<>();
    reports.forEach((node, byShard) -> {
      if (members.contains(node)) {
        byShard.forEach((shard, rate) -> sum.merge(shard, rate, Double::sum));
      }
    });
    return sum;
  }

  /** {@code node}'s load report will not show its latest change for one settle time. */
  private void settle(Address node) {
    if (settleNanos > 0 && node != null) {
      settling.put(node, ticker.nanoTime() + settleNanos);
    }
  }

  private Map<Address, List<String>> shardsByNode(
      Map<ActorRef, IndexedSeq<String>> current, Map<Address, ActorRef> regions) {
    Map<Address, List<String>> shards = new HashMap<>();
    current.forEach(
        (region, hosted) -> {
          Address node = addressOf(region);
          regions.put(node, region);
          shards.put(node, new ArrayList<>(CollectionConverters.asJava(hosted)));
        });
    return shards;
  }

  /** The cluster address of a region; a local reference has no host, so it is this node. */
  private Address addressOf(ActorRef ref) {
    if (ref == null) {
      return null;
    }
    Address address = ref.path().address();
    return address.hasLocalScope() ? self : address;
  }
}
