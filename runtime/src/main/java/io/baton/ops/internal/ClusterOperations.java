package io.baton.ops.internal;

import io.baton.ops.DrainView;
import io.baton.ops.NodeStatus;
import io.baton.ring.NodeDrain;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What the operator endpoint does beyond reading one node: the cluster-wide status (every node's
 * report, the drained set, the progress of drains and catch-up) and drain / undrain of a member.
 *
 * <h2>State</h2>
 * The only state is {@code baselines}: per drained node, the shard count its drain started from
 * (set when the drain is requested here, else the most seen since; see {@link
 * ClusterView#nextBaselines}). It lives in an {@link AtomicReference} to an immutable map that
 * every status read replaces, so concurrent requests need no lock; a lost update only loses a
 * "most seen" that the next read sees again. Everything else is read afresh per request.
 */
public final class ClusterOperations {

  /** What a drain or undrain request came to. */
  public sealed interface Outcome permits Done, NotFound, Malformed, NoCluster {}

  /** The drain set was updated; {@code view} is the drain status after it. */
  public record Done(DrainView view) implements Outcome {}

  /** The node names no member; the message lists the members. */
  public record NotFound(String message) implements Outcome {}

  /** The node argument is not a node at all. */
  public record Malformed(String message) implements Outcome {}

  /** This node runs without a cluster: there is nothing to drain. */
  public record NoCluster(String message) implements Outcome {}

  private final ActorSystem<?> system;
  private final NodeObservation observation;
  private final NodeReports reports;
  private final Duration timeout;
  private final AtomicReference<Map<String, Integer>> baselines = new AtomicReference<>(Map.of());

  public ClusterOperations(ActorSystem<?> system, NodeObservation observation,
      NodeReports reports, Duration timeout) {
    this.system = system;
    this.observation = observation;
    this.reports = reports;
    this.timeout = timeout;
    if (observation.clustered()) {
      // Join the drained-nodes replication now, so that this node confirms drains written
      // elsewhere (WriteAll) and reads them at once; a BatonNode does this at start too.
      NodeDrain.get(system);
    }
  }

  /** The version gate as this node sees it ({@code GET /upgrade}). */
  public io.baton.upgrade.GateStatus gateStatus() {
    return io.baton.upgrade.UpgradeGate.get(system).status();
  }

  /** The reports of every node, as {@link NodeReports#cluster}. */
  public NodeReports reports() {
    return reports;
  }

  /** The drained nodes, read from this node's replica (empty without a cluster). */
  public CompletionStage<Set<String>> drained() {
    if (!observation.clustered()) {
      return CompletableFuture.completedFuture(Set.of());
    }
    return NodeDrain.get(system).current(timeout).thenApply(
        set -> set.stream().map(Address::toString).collect(Collectors.toUnmodifiableSet()));
  }

  /** The document of {@code GET /status}. */
  public CompletionStage<NodeStatus> status() {
    return reports.cluster().thenCombine(drained(), (all, drained) -> {
      NodeStatus local = observation.status();
      Map<String, Integer> next = track(drained, all);
      return new NodeStatus(local.node(), local.members(), local.ring(), local.replication(),
          local.store(),
          ClusterView.nodes(local.members(), local.ring(), drained, all),
          new NodeStatus.Progress(
              ClusterView.drains(drained, ClusterView.present(local.members()), next, all),
              ClusterView.catchUp(local.ring(), all),
              ClusterView.rebalances(all), ClusterView.stalls(all)),
          io.baton.upgrade.UpgradeGate.get(system).status(), local.services());
    });
  }

  /**
   * Holds ({@code true}) or releases the version gate cluster-wide; the answer is the gate after
   * the change, and whether every reachable member confirmed it.
   */
  public CompletionStage<io.baton.ops.GateChange> gate(boolean hold) {
    io.baton.upgrade.UpgradeGate gate = io.baton.upgrade.UpgradeGate.get(system);
    return (hold ? gate.hold(timeout) : gate.release(timeout))
        .thenApply(confirmed -> new io.baton.ops.GateChange(hold, confirmed, gate.status()));
  }

  /** The document of {@code GET /drain}; {@code requested} names the node of a POST. */
  public CompletionStage<DrainView> drainView() {
    return drainView(null, null);
  }

  private CompletionStage<DrainView> drainView(String requested, Boolean confirmed) {
    return reports.cluster().thenCombine(drained(), (all, drained) -> new DrainView(
        requested, confirmed, ClusterView.drains(drained,
            ClusterView.present(observation.status().members()), track(drained, all), all)));
  }

  /** Drains the member {@code node} names (docs/decisions/0011-drain.md). */
  public CompletionStage<Outcome> drain(String node) {
    return change(node, true);
  }

  /** Ends the drain of the member {@code node} names. */
  public CompletionStage<Outcome> undrain(String node) {
    return change(node, false);
  }

  private CompletionStage<Outcome> change(String node, boolean drain) {
    if (!observation.clustered()) {
      return CompletableFuture.completedFuture(new NoCluster(
          "this node runs without a cluster (pekko.actor.provider is not cluster): there is"
              + " nothing to drain"));
    }
    return reports.cluster().thenCompose(all -> {
      Map<Address, String> members = new HashMap<>();
      observation.clusterState().ifPresent(state -> state.getMembers().forEach(m -> {
        NodeReport report = all.get(m.address().toString());
        members.put(m.address(), report == null ? m.address().toString() : report.name());
      }));
      NodeArgument.Resolved resolved = NodeArgument.resolve(node, members);
      if (resolved instanceof NodeArgument.Malformed malformed) {
        return CompletableFuture.completedFuture(new Malformed(malformed.message()));
      }
      if (resolved instanceof NodeArgument.Unknown unknown) {
        return CompletableFuture.completedFuture(new NotFound(unknown.message()));
      }
      Address address = ((NodeArgument.Member) resolved).address();
      String key = address.toString();
      NodeDrain nodeDrain = NodeDrain.get(system);
      CompletionStage<Boolean> written;
      if (drain) {
        NodeReport report = all.get(key);
        Integer known = report == null ? null : report.knownShardCount();
        if (known != null) {
          int hosted = known;
          baselines.updateAndGet(old -> {
            Map<String, Integer> copy = new HashMap<>(old);
            copy.putIfAbsent(key, hosted);
            return Map.copyOf(copy);
          });
        }
        written = nodeDrain.drain(address, timeout);
      } else {
        written = nodeDrain.undrain(address, timeout);
      }
      return written.thenCompose(confirmed ->
          drainView(key, confirmed).thenApply(view -> (Outcome) new Done(view)));
    });
  }

  private Map<String, Integer> track(Set<String> drained, Map<String, NodeReport> all) {
    return baselines.updateAndGet(
        old -> Map.copyOf(ClusterView.nextBaselines(old, drained, ClusterView.hosted(all))));
  }
}
