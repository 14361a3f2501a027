package io.baton.ring;

import io.baton.supervision.ChildSpec;
import io.baton.services.NodeServices;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Measured load: how many messages per second the entities of each shard receive on this node,
 * and the same for every member of the cluster. {@link RingSuccessorAllocation} rebalances by it
 * (docs/decisions/0012-load-based-rebalance.md); operators read it through {@link #local} and
 * {@link #cluster}.
 *
 * <h2>Counting</h2>
 * {@code BatonNode.register} wraps every entity in {@link #measure}: an interceptor that adds one
 * to its shard's {@link LongAdder} for every message delivered to the entity (Pekko's own protocol
 * messages, such as journal replies to an event-sourced entity, are not counted). The adder is
 * looked up once, when the entity starts, so the per-message cost is one uncontended {@code
 * LongAdder.increment} and one cached class check. Adders are never removed: there is one per
 * shard that ever ran here, bounded by the entity type's number of shards.
 *
 * <h2>Rates and replication</h2>
 * A system actor samples the adders every {@code baton.ring.load.publish-interval}, turns the
 * counts into rates ({@link ShardRates}, half-life {@code baton.ring.load.half-life}) and writes
 * this node's {@link NodeLoad} into a Distributed Data {@code LWWMap<String, NodeLoad>} (key
 * {@value #KEY_ID}, one entry per node, written only by that node, {@code WriteLocal}; gossip
 * spreads it). The same actor subscribes to the map and keeps every node's latest report. So the
 * shard coordinator, wherever it runs (it moves when the oldest node dies), reads the cluster's
 * load locally, without asking anyone while it decides.
 *
 * <h2>Threads</h2>
 * Entities increment the adders from any thread; the actor alone owns the {@link ShardRates}. The
 * views it publishes ({@code local}, {@code reports}) are immutable values in volatile fields, read
 * from any thread.
 */
public final class LoadMeter implements Extension {

  /** Where its settings live. */
  public static final String PATH = "baton.ring.load";

  /** The Distributed Data key of the cluster's load reports. */
  public static final String KEY_ID = "baton-shard-load";

  /** Rates below this many messages per second are reported as no load. */
  private static final double FLOOR = 0.01;

  private static final Key<LWWMap<String, NodeLoad>> KEY = LWWMapKey.create(KEY_ID);

  private static final ExtensionId<LoadMeter> ID = new ExtensionId<>() {
    @Override
    public LoadMeter createExtension(ActorSystem<?> system) {
      return new LoadMeter(system);
    }
  };

  /** Classes of Pekko's own protocol, delivered to entities but not traffic: not counted. */
  private static final ClassValue<Boolean> COUNTED = new ClassValue<>() {
    @Override
    protected Boolean computeValue(Class<?> type) {
      return !type.getName().startsWith("org.apache.pekko.");
    }
  };

  /** The validated {@code baton.ring.load} settings. */
  public record Settings(Duration publishInterval, Duration halfLife, Duration settleTime) {
    public Settings {
      requirePositive("publish-interval", publishInterval);
      requirePositive("half-life", halfLife);
      requirePositive("settle-time", settleTime);
    }

    /** Reads {@code baton.ring.load} of {@code config}. */
    public static Settings fromConfig(Config config) {
      Config load = config.getConfig(PATH);
      return new Settings(load.getDuration("publish-interval"), load.getDuration("half-life"),
          load.getDuration("settle-time"));
    }

    private static void requirePositive(String key, Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(PATH + "." + key + " = " + value
            + ": it must be a positive duration (e.g. 1s)");
      }
    }
  }

  private final ActorSystem<?> system;
  private final String self;
  private final Settings settings;
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, LongAdder>> counters =
      new ConcurrentHashMap<>();
  /** Null until the first sample: the load of this node is not known before. */
  private volatile NodeLoad local;
  private volatile Map<Address, NodeLoad> reports = Map.of();

  private LoadMeter(ActorSystem<?> system) {
    this.system = system;
    this.settings = Settings.fromConfig(system.settings().config());
    this.self = Cluster.get(system).selfMember().address().toString();
    NodeServices.get(system).start(ChildSpec.worker("load-meter", this::publisher));
  }

  /** The node's instance. */
  public static LoadMeter get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  public Settings settings() {
    return settings;
  }

  /**
   * {@code entity}, counting every message delivered to it as traffic of shard {@code shard} of
   * entity type {@code type}.
   */
  public <M> Behavior<M> measure(String type, String shard, Behavior<M> entity) {
    LongAdder adder = counters.computeIfAbsent(type, t -> new ConcurrentHashMap<>())
        .computeIfAbsent(shard, s -> new LongAdder());
    return Behaviors.intercept(() -> new Counting<M>(adder), entity);
  }

  /** This node's rates as of the last sample (empty before the first). */
  public NodeLoad local() {
    NodeLoad sampled = local;
    return sampled == null ? NodeLoad.empty(self) : sampled;
  }

  /**
   * Every member's latest report (this node's own as of its last sample), members that are down
   * or removed left out, and members whose first report has not arrived yet (their load is not
   * known, which differs from no load). A report is at most about one publish interval plus one gossip round old.
   */
  public Map<Address, NodeLoad> cluster() {
    Map<Address, NodeLoad> members = new HashMap<>();
    Map<Address, NodeLoad> known = reports;
    for (Member member : Cluster.get(system).state().getMembers()) {
      MemberStatus status = member.status();
      if (status != MemberStatus.down() && status != MemberStatus.removed()) {
        NodeLoad load = member.address().toString().equals(self)
            ? local : known.get(member.address());
        if (load != null) {
          members.put(member.address(), load);
        }
      }
    }
    return Map.copyOf(members);
  }

  /** Per member, the shard rates of entity type {@code type} (see {@link #cluster}). */
  public Map<Address, Map<String, Double>> rates(String type) {
    Map<Address, Map<String, Double>> result = new HashMap<>();
    cluster().forEach((node, load) -> result.put(node, load.rates(type)));
    return result;
  }

  /** The cumulative message count of every shard that ran here. */
  private Map<String, Map<String, Long>> counts() {
    Map<String, Map<String, Long>> counts = new HashMap<>();
    counters.forEach((type, shards) -> {
      Map<String, Long> byShard = new HashMap<>();
      shards.forEach((shard, adder) -> byShard.put(shard, adder.sum()));
      counts.put(type, byShard);
    });
    return counts;
  }

  private Behavior<Object> publisher() {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      DistributedData ddata = DistributedData.get(context.getSystem());
      ActorRef<Replicator.Command> replicator = ddata.replicator();
      SelfUniqueAddress node = ddata.selfUniqueAddress();
      ShardRates rates = ShardRates.create(settings.halfLife(), FLOOR);
      replicator.tell(new Replicator.Subscribe<>(KEY,
          context.getSelf().<Replicator.SubscribeResponse<LWWMap<String, NodeLoad>>>narrow()));
      NodeLoad[] published = {null}; // what this actor last wrote; touched by it alone
      Object tick = "tick";
      timers.startTimerWithFixedDelay(tick, settings.publishInterval());
      ActorRef<Replicator.UpdateResponse<LWWMap<String, NodeLoad>>> ignore =
          context.getSelf().narrow();
      return Behaviors.receive(Object.class)
          .onMessageEquals(tick, () -> {
            NodeLoad now = new NodeLoad(self, rates.sample(System.nanoTime(), counts()));
            NodeLoad before = published[0];
            local = now;
            if (!now.equals(before)) {
              // The first report goes out even if empty: "no load" differs from "not known yet".
              published[0] = now;
              replicator.tell(new Replicator.Update<>(KEY, LWWMap.empty(),
                  Replicator.writeLocal(), ignore, map -> map.put(node, self, now)));
            }
            return Behaviors.same();
          })
          .onMessage(Replicator.Changed.class, changed -> {
            @SuppressWarnings("unchecked")
            LWWMap<String, NodeLoad> map = (LWWMap<String, NodeLoad>) changed.dataValue();
            Map<Address, NodeLoad> known = new HashMap<>();
            map.getEntries().forEach(
                (address, load) -> known.put(AddressFromURIString.parse(address), load));
            reports = Map.copyOf(known);
            return Behaviors.same();
          })
          .onMessage(Replicator.UpdateResponse.class, response -> Behaviors.same())
          .build();
    }));
  }

  /** Counts every delivered message that is not Pekko's own protocol, then delivers it. */
  private static final class Counting<M> extends BehaviorInterceptor<M, M> {
    private final LongAdder adder;

    @SuppressWarnings("unchecked")
    Counting(LongAdder adder) {
      super((Class<M>) (Class<?>) Object.class);
      this.adder = adder;
    }

    @Override
    public Behavior<M> aroundReceive(
        TypedActorContext<M> context, M message, ReceiveTarget<M> target) {
      if (COUNTED.get(message.getClass())) {
        adder.increment();
      }
      return target.apply(context, message);
    }
  }
}
