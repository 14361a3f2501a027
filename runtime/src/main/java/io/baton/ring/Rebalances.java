package io.baton.ring;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The rebalancing activity of every entity type whose strategy was made on this node by {@link
 * RingSuccessorAllocation#forType}, for the operator status ({@code progress.rebalances}). Reads
 * are lock-free snapshots of each strategy's latest tick; safe from any thread.
 */
public final class Rebalances implements Extension {

  private static final ExtensionId<Rebalances> ID = new ExtensionId<>() {
    @Override
    public Rebalances createExtension(ActorSystem<?> system) {
      return new Rebalances();
    }
  };

  private final Map<String, RingSuccessorAllocation> byType = new ConcurrentHashMap<>();

  private Rebalances() {}

  /** The node's instance. */
  public static Rebalances get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  void track(String type, RingSuccessorAllocation strategy) {
    byType.put(type, strategy);
  }

  /** One entry per entity type, sorted by type. */
  public List<RebalanceActivity> activities() {
    List<RebalanceActivity> all = new ArrayList<>();
    byType.values().forEach(strategy -> all.add(strategy.activity()));
    all.sort(java.util.Comparator.comparing(RebalanceActivity::type));
    return all;
  }
}
