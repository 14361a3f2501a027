package io.baton.upgrade.rolling;

import io.baton.ops.NodeStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Predicate;

/**
 * A simulated cluster behind both {@link NodeController} and {@link ClusterProbe}, for the unit
 * tests of {@link RollingUpgrade}. Each look at it (status or health) is one step of time: a
 * drained node loses one shard per step, a stopped or killed node is removed at the next step and
 * its shards go to the others, a started node is Up and healthy after {@link #startSteps} steps
 * (unless its jar is {@link #exitingJar} or {@link #neverHealthyJar}), is under-replicated for a
 * few steps, and an undrained (or restarted, in crash mode) node gets shards at the next step. Every
 * action of the controller and every request to an endpoint is logged in order in {@link #log}.
 */
final class FakeCluster implements NodeController, ClusterProbe {

  /** A jar whose process exits with status 1 right after its start. */
  static final String EXITING_JAR = "broken.jar";
  /** A jar whose process runs but never answers /health with 200. */
  static final String NEVER_HEALTHY_JAR = "hung.jar";

  final List<String> log = new ArrayList<>();
  int startSteps = 2;
  /** How many undrain requests to ignore, as a replica that had not seen the drain would. */
  int undrainsToLose;
  /** The version gate {@code /status} shows; null: none. */
  List<ActiveVersion> gate;
  String exitingJar = EXITING_JAR;
  String neverHealthyJar = NEVER_HEALTHY_JAR;

  private final Map<String, SimNode> nodes = new LinkedHashMap<>();

  private static final class SimNode {
    final String name;
    final String endpoint;
    final String address;
    boolean running = true;
    boolean member = true;
    boolean up = true;
    boolean drained;
    int shards;
    String app = "1";
    String jar;
    int stepsToUp;
    int underReplicatedSteps;
    boolean wantsShards;
    Integer exit;

    SimNode(String name, int port, int shards) {
      this.name = name;
      this.endpoint = "127.0.0.1:" + (port + 1000);
      this.address = "pekko://c@127.0.0.1:" + port;
      this.shards = shards;
    }
  }

  /** Adds a running node, Up, on app version 1, with its remoting port and shards. */
  FakeCluster node(String name, int port, int shards) {
    nodes.put(name, new SimNode(name, port, shards));
    return this;
  }

  UpgradeTarget target(String name) {
    return new UpgradeTarget(name, nodes.get(name).endpoint);
  }

  String appVersion(String name) {
    return nodes.get(name).app;
  }

  boolean running(String name) {
    return nodes.get(name).running;
  }

  int shards(String name) {
    return nodes.get(name).shards;
  }

  /** Stops a node's process before the run, as a failed earlier run would have left it. */
  FakeCluster stopped(String name) {
    SimNode node = nodes.get(name);
    node.running = false;
    node.member = false;
    node.up = false;
    moveShardsOff(node);
    node.wantsShards = true;
    return this;
  }

  // ------------------------------------------------------------------ controller

  @Override
  public void stop(UpgradeTarget target, Duration timeout) {
    SimNode node = byName(target.name());
    log.add("stop " + node.name);
    node.running = false;
  }

  @Override
  public void kill(UpgradeTarget target) {
    SimNode node = byName(target.name());
    log.add("kill " + node.name);
    node.running = false;
  }

  @Override
  public void start(UpgradeTarget target, String jar) {
    SimNode node = byName(target.name());
    log.add("start " + node.name + " " + jar);
    node.running = true;
    node.jar = jar;
    node.exit = jar.equals(exitingJar) ? 1 : null;
    node.running = node.exit == null;
    node.stepsToUp = startSteps;
    node.underReplicatedSteps = 3;
  }

  @Override
  public OptionalInt exitStatus(UpgradeTarget target) {
    Integer exit = byName(target.name()).exit;
    return exit == null ? OptionalInt.empty() : OptionalInt.of(exit);
  }

  // ------------------------------------------------------------------ probe

  @Override
  public NodeStatus status(String endpoint) throws ProbeException {
    step();
    SimNode self = byEndpoint(endpoint);
    if (!self.running || !self.member) {
      throw new ProbeException("cannot reach " + endpoint);
    }
    List<SimNode> members = nodes.values().stream().filter(n -> n.member)
        .sorted(Comparator.comparing(n -> n.address)).toList();
    List<String> ring = members.stream().filter(n -> n.up).map(n -> n.address).toList();
    List<NodeStatus.Member> memberList = new ArrayList<>();
    List<NodeStatus.ClusterNode> entries = new ArrayList<>();
    for (SimNode n : members) {
      memberList.add(new NodeStatus.Member(n.address, n.up ? "Up" : "Joining", n.running));
      Integer position = ring.contains(n.address) ? ring.indexOf(n.address) + 1 : null;
      entries.add(new NodeStatus.ClusterNode(n.address, position, n.up ? "Up" : "Joining",
          n.running, n.drained, n.running, n.name, "test", n.app, Map.of(), Map.of(), n.shards,
          (long) n.shards, null, (long) n.underReplicatedSteps * 3, n.underReplicatedSteps > 0));
    }
    return new NodeStatus(new NodeStatus.Node(self.address, self.name, "test", self.app, 1, true,
        self.up ? "Up" : "Joining"), memberList, ring, null, null, entries,
        new NodeStatus.Progress(List.of(), List.of(), List.of()), null, null);
  }

  @Override
  public List<ActiveVersion> activeVersions(String endpoint) throws ProbeException {
    reachable(endpoint);
    return gate;
  }

  @Override
  public String unhealthy(String endpoint) {
    step();
    SimNode node = byEndpoint(endpoint);
    if (!node.running) {
      return "cannot reach " + endpoint;
    }
    return node.up ? null : "HTTP 503 not Up yet";
  }

  @Override
  public void drain(String endpoint, String member) throws ProbeException {
    SimNode via = reachable(endpoint);
    SimNode node = byAddress(member);
    log.add("drain " + node.name + " via " + via.name);
    node.drained = true;
  }

  @Override
  public void undrain(String endpoint, String member) throws ProbeException {
    SimNode via = reachable(endpoint);
    SimNode node = byAddress(member);
    if (undrainsToLose > 0) {
      undrainsToLose--;
      log.add("undrain " + node.name + " via " + via.name + " (lost)");
      return;
    }
    log.add("undrain " + node.name + " via " + via.name);
    node.drained = false;
    node.wantsShards = true;
  }

  // ------------------------------------------------------------------ time

  private void step() {
    for (SimNode node : nodes.values()) {
      if (node.running && node.drained && node.shards > 0) {
        node.shards--;
        busiestOther(node, n -> true).shards++;
      }
      if (!node.running && node.member) {
        node.member = false; // removed at the next step after its process ended
        node.up = false;
        moveShardsOff(node);
        node.wantsShards = !node.drained;
      } else if (!node.running) {
        continue;
      }
      if (node.running && !node.up && node.jar != null && !node.jar.equals(neverHealthyJar)) {
        if (node.stepsToUp-- <= 0) {
          node.up = true;
          node.member = true;
          node.app = node.jar;
        }
      } else if (node.up && node.underReplicatedSteps > 0) {
        node.underReplicatedSteps--;
      } else if (node.up && node.wantsShards && !node.drained) {
        // The rebalancer moves two shards a step until the node holds about its share.
        SimNode from = busiestOther(node, n -> n.shards > 1);
        if (from != null) {
          from.shards -= 2;
          node.shards += 2;
        }
        node.wantsShards = from != null && from.shards > node.shards + 2;
      }
    }
  }

  private void moveShardsOff(SimNode node) {
    while (node.shards > 0) {
      node.shards--;
      busiestOther(node, n -> true).shards++;
    }
  }

  /** The running member other than {@code node} with the fewest shards (receiving) or most. */
  private SimNode busiestOther(SimNode node, Predicate<SimNode> filter) {
    return nodes.values().stream()
        .filter(n -> n != node && n.running && n.member && n.up && !n.drained && filter.test(n))
        .max(Comparator.comparingInt(n -> n.shards)).orElse(null);
  }

  private SimNode reachable(String endpoint) throws ProbeException {
    SimNode node = byEndpoint(endpoint);
    if (!node.running || !node.member) {
      throw new ProbeException("cannot reach " + endpoint);
    }
    return node;
  }

  private SimNode byName(String name) {
    return nodes.get(name);
  }

  private SimNode byEndpoint(String endpoint) {
    return nodes.values().stream().filter(n -> n.endpoint.equals(endpoint)).findFirst()
        .orElseThrow(() -> new AssertionError("no endpoint " + endpoint));
  }

  private SimNode byAddress(String address) {
    return nodes.values().stream().filter(n -> n.address.equals(address)).findFirst()
        .orElseThrow(() -> new AssertionError("no member " + address));
  }

  /** Manual time: sleeping advances it. */
  static final class ManualClock implements RollingUpgrade.Clock {
    long now;
    int sleeps;

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public void sleep(Duration duration) {
      sleeps++;
      now += duration.toNanos();
    }
  }
}
