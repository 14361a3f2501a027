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
 * from; a node that joins gets about half of the busiest node's shards. The decisions are the pure
 * functions of {@link ShardPlacement}; this class feeds them and keeps what they need to remember.
 *
 * <p>Use one instance per entity type on every node: {@code
 * Entity.of(key, factory).withAllocationStrategy(RingSuccessorAllocation.create(system))}.
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
 */
public final class RingSuccessorAllocation extends ShardCoordinator.AbstractShardAllocationStrategy
    implements ShardCoordinator.ActorSystemDependentAllocationStrategy {

  private static final Logger LOG = LoggerFactory.getLogger(RingSuccessorAllocation.class);

  /** Where its settings live. */
  public static final String PATH = "baton.ring.allocation";

  private final double tolerance;
  private final Map<String, Address> lastOwner = new ConcurrentHashMap<>();
  private final Map<String, Address> planned = new ConcurrentHashMap<>();
  private volatile Address self;
  private volatile Supplier<Set<Address>> drained = Set::of;
  private volatile boolean drainedGiven;

  private RingSuccessorAllocation(double tolerance) {
    if (tolerance < 0) {
      throw new IllegalArgumentException(
          PATH + ".rebalance-tolerance = " + tolerance + " must be 0 or more (shards)");
    }
    this.tolerance = tolerance;
  }

  /** A strategy that accepts shard counts differing by {@code tolerance} as balanced. */
  public static RingSuccessorAllocation create(double tolerance) {
    return new RingSuccessorAllocation(tolerance);
  }

  /** A strategy configured by {@code baton.ring.allocation} of the system's configuration. */
  public static RingSuccessorAllocation create(
      org.apache.pekko.actor.typed.ActorSystem<?> system) {
    return fromConfig(system.settings().config());
  }

  /** A strategy configured by {@code baton.ring.allocation} of {@code config}. */
  public static RingSuccessorAllocation fromConfig(Config config) {
    return create(config.getConfig(PATH).getDouble("rebalance-tolerance"));
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
    Set<Address> drainedNow = drained.get();
    List<ShardPlacement.Move> moves = ShardPlacement.rebalance(
        shards, ShardPlacement.shardCounts(shards), inProgress, tolerance, drainedNow);
    Set<String> moving = new HashSet<>();
    for (ShardPlacement.Move move : moves) {
      planned.put(move.shard(), move.to());
      moving.add(move.shard());
    }
    if (!moves.isEmpty() && drainedNow.contains(moves.get(0).from())) {
      LOG.info("Drain: moving {} shards of drained node {} to {}",
          moves.size(), moves.get(0).from(), moves.get(0).to());
    } else if (!moves.isEmpty()) {
      LOG.info("Rebalance: moving {} shards from {} to {}",
          moves.size(), moves.get(0).from(), moves.get(0).to());
    }
    return Futures.successful(moving);
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
