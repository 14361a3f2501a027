package io.baton.upgrade.rolling;

import io.baton.ops.NodeStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Upgrades a list of nodes to a new jar one at a time, in ring order, in {@link UpgradeMode
 * graceful or crash} mode, waiting for each node to be healthy and caught up before touching the
 * next (VISION.md, algorithms 1 and 4).
 *
 * <pre>{@code
 * UpgradeReport report = RollingUpgrade.create(plan, controller,
 *     ClusterProbe.http(Duration.ofSeconds(10)), progress -> out.println(progress.render())).run();
 * }</pre>
 *
 * <h2>What it guarantees</h2>
 * <ul>
 *   <li>Order: the nodes are upgraded in the ring order the cluster reports ({@link
 *       NodeStatus#ring}), which is Pekko's address order; when a node does not answer (only
 *       allowed for the {@code resumeFrom} node, left stopped by a failed run) the order of the
 *       plan is used. With {@code resumeFrom} the nodes before it are taken as done.
 *   <li>Phases: each node goes through {@link UpgradeMode#phases} in order; every wait has its
 *       deadline ({@link UpgradeDeadlines}); the listener sees each phase start and every change
 *       of what a phase waits for.
 *   <li>Stop on failure: when a node fails a phase (its new process exits, never becomes healthy,
 *       never catches up, ...), the run stops at once: no later node is touched, nothing is
 *       rolled back, and the {@link UpgradeReport} says which node, which phase, what was seen,
 *       the state the cluster is left in and what to do. In graceful mode a node that failed
 *       after its stop had been drained first, so the rest of the cluster serves its shards.
 *   <li>Rollback is the same run with the old jar.
 * </ul>
 *
 * <h2>Threads</h2>
 * {@link #run} runs on the caller's thread and blocks until the end; every call to the controller,
 * the probe and the listener is made from it. An instance runs once.
 */
public final class RollingUpgrade {

  /** Time for the waits, injected so that tests run deadlines without waiting for them. */
  interface Clock {
    long nanoTime();

    void sleep(Duration duration) throws InterruptedException;
  }

  private static final Clock SYSTEM_CLOCK = new Clock() {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
      Thread.sleep(Math.max(1, duration.toMillis()));
    }
  };

  private final UpgradePlan plan;
  private final NodeController controller;
  private final ClusterProbe probe;
  private final UpgradeListener listener;
  private final Clock clock;

  /** One node of the run: its target and, once known, its cluster address. */
  private static final class Node {
    final UpgradeTarget target;
    String address;
    boolean silent;

    Node(UpgradeTarget target) {
      this.target = target;
    }

    String name() {
      return target.name();
    }
  }

  /** A node did not pass a phase: what was seen. */
  private static final class PhaseFailed extends Exception {
    final UpgradePhase phase;

    PhaseFailed(UpgradePhase phase, String seen) {
      super(seen);
      this.phase = phase;
    }
  }

  /** One look at what a waiting phase waits for. */
  private record Look(boolean done, String detail, Integer shardsLeft, Integer shardsMoved,
      Long lag, String fatal) {
    static Look waiting(String detail) {
      return new Look(false, detail, null, null, null, null);
    }

    static Look fatal(String why) {
      return new Look(false, why, null, null, null, why);
    }
  }

  @FunctionalInterface
  private interface Observation {
    Look look() throws InterruptedException;
  }

  private RollingUpgrade(UpgradePlan plan, NodeController controller, ClusterProbe probe,
      UpgradeListener listener, Clock clock) {
    this.plan = Objects.requireNonNull(plan, "plan");
    this.controller = Objects.requireNonNull(controller, "controller");
    this.probe = Objects.requireNonNull(probe, "probe");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.clock = clock;
  }

  /** An upgrade following {@code plan}, acting through {@code controller} and {@code probe}. */
  public static RollingUpgrade create(UpgradePlan plan, NodeController controller,
      ClusterProbe probe, UpgradeListener listener) {
    return new RollingUpgrade(plan, controller, probe, listener, SYSTEM_CLOCK);
  }

  static RollingUpgrade create(UpgradePlan plan, NodeController controller, ClusterProbe probe,
      UpgradeListener listener, Clock clock) {
    return new RollingUpgrade(plan, controller, probe, listener, clock);
  }

  /**
   * Runs the upgrade to its end: every node upgraded, or the first failure.
   *
   * @throws InterruptedException if the calling thread is interrupted; the node under way is left
   *     in the phase it was in
   */
  public UpgradeReport run() throws InterruptedException {
    List<Node> all = new ArrayList<>();
    for (UpgradeTarget target : plan.targets()) {
      all.add(new Node(target));
    }
    List<String> silent = new ArrayList<>();
    List<String> ring = null;
    for (Node node : all) {
      try {
        NodeStatus status = probe.status(node.target.endpoint());
        String reported = status.node().name();
        if (!node.name().equals(node.target.endpoint()) && !node.name().equals(reported)
            && !node.name().equals(status.node().address())) {
          return refused(all, "the endpoint " + node.target.endpoint() + " is node '" + reported
              + "', not '" + node.name() + "'",
              "correct the node list: each name must be the baton.node.name of the node whose"
                  + " operator endpoint follows it");
        }
        node.address = status.node().address();
        if (ring == null) {
          ring = status.ring();
        }
      } catch (ClusterProbe.ProbeException e) {
        node.silent = true;
        silent.add(node.name());
      }
    }
    boolean resumeSilent = silent.size() == 1 && isResumeNode(all.stream()
        .filter(n -> n.silent).findFirst().orElseThrow());
    if (!silent.isEmpty() && !resumeSilent) {
      return refused(all, "node(s) " + silent + " do not answer at their operator endpoint",
          "every node must run and serve its operator endpoint (baton.ops.enabled = on) before an"
              + " upgrade: start it, or leave it out of the node list. A node left stopped by a"
              + " failed upgrade is taken up again with --resume-from <node>");
    }
    List<Node> order = new ArrayList<>(all);
    if (silent.isEmpty()) {
      List<String> ringOrder = ring == null ? List.of() : ring;
      for (Node node : all) {
        if (!ringOrder.contains(node.address)) {
          return refused(all, node.name() + " (" + node.address + ") is not in the ring "
              + ringOrder + ": it is not an Up member",
              "wait until it is Up (baton-status), then run the upgrade again");
        }
      }
      order.sort(Comparator.comparingInt(n -> ringOrder.indexOf(n.address)));
    }
    if (plan.rollback()) {
      UpgradeReport refusal = rollbackRefusal(all);
      if (refusal != null) {
        return refusal;
      }
    }
    if (plan.resumeFrom() != null) {
      int from = 0;
      while (!isResumeNode(order.get(from))) {
        from++;
      }
      order = new ArrayList<>(order.subList(from, order.size()));
    }
    List<String> names = order.stream().map(Node::name).toList();
    listener.onProgress(new UpgradeProgress(0, order.size(), "cluster", UpgradePhase.PREFLIGHT,
        "order " + String.join(", ", names) + (silent.isEmpty() ? " (ring order)"
            : " (the order of the list: " + silent.get(0) + " does not answer)"),
        null, null, null));
    List<String> upgraded = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      Node node = order.get(i);
      try {
        upgrade(node, i + 1, order.size(), all);
        upgraded.add(node.name());
      } catch (PhaseFailed failure) {
        List<String> untouched = names.subList(i + 1, names.size());
        return new UpgradeReport(UpgradeReport.Outcome.FAILED, names, upgraded, untouched,
            node.name(), failure.phase, failure.getMessage(),
            stateAfter(node, failure.phase), adviceAfter(node, failure.phase, order, i));
      }
    }
    return new UpgradeReport(UpgradeReport.Outcome.COMPLETED, names, upgraded, List.of(), null,
        null, null, null, null);
  }

  private boolean isResumeNode(Node node) {
    return plan.resumeFrom() != null && (plan.resumeFrom().equals(node.name())
        || plan.resumeFrom().equals(node.target.endpoint()));
  }

  /**
   * For a rollback: refused when some class's active version is above the lowest version the
   * running jars write down to, i.e. (by the rule of docs/guide/upgrade.md: a release writes down
   * to the previous release's version) above what the previous release reads. Null when the
   * rollback may go on, or when the gate cannot be read (a Baton without it in {@code /status}):
   * then a jar too old for the data is still refused by the cluster when it joins, and the run
   * stops at that node's health check.
   */
  private UpgradeReport rollbackRefusal(List<Node> all) {
    List<ClusterProbe.ActiveVersion> versions = null;
    String from = null;
    for (Node node : all) {
      if (node.silent) {
        continue;
      }
      try {
        versions = probe.activeVersions(node.target.endpoint());
        from = node.target.endpoint();
        break;
      } catch (ClusterProbe.ProbeException e) {
        // try the next node
      }
    }
    if (versions == null) {
      listener.onProgress(new UpgradeProgress(0, all.size(), "cluster", UpgradePhase.PREFLIGHT,
          "rollback: the version gate is not in /status (or is off); not checked: a jar that"
              + " cannot read the cluster's data is refused when it joins", null, null, null));
      return null;
    }
    List<String> advanced = new ArrayList<>();
    for (ClusterProbe.ActiveVersion version : versions) {
      if (version.active() != null && version.oldestWritable() != null
          && version.active() > version.oldestWritable()) {
        advanced.add(version.className() + " is active at version " + version.active()
            + ", the running jars write down to version " + version.oldestWritable());
      }
    }
    if (advanced.isEmpty()) {
      listener.onProgress(new UpgradeProgress(0, all.size(), "cluster", UpgradePhase.PREFLIGHT,
          "rollback: no active version has advanced past what the previous release reads ("
              + versions.size() + " class(es) at the gate, via " + from + ")", null, null, null));
      return null;
    }
    return refused(all, "rollback refused: the version gate has advanced: "
        + String.join("; ", advanced),
        "the previous release cannot read what the cluster has written since; an active version"
            + " never goes back. Roll forward instead (fix the new release and upgrade to it)."
            + " Next time, deploy with the gate held (upgrade-hold, or baton.upgrade.hold = on)"
            + " until the new release is proven, so that a rollback stays possible");
  }

  private UpgradeReport refused(List<Node> all, String seen, String advice) {
    List<String> names = all.stream().map(Node::name).toList();
    return new UpgradeReport(UpgradeReport.Outcome.REFUSED, names, List.of(), names, null, null,
        seen, "unchanged", advice);
  }

  // ------------------------------------------------------------------ one node

  private void upgrade(Node node, int index, int total, List<Node> all)
      throws PhaseFailed, InterruptedException {
    Reporter report = new Reporter(node.name(), index, total);
    boolean stopped = node.silent;
    for (UpgradePhase phase : plan.mode().phases()) {
      if (stopped && phaseBeforeStart(phase)) {
        continue;
      }
      if (stopped && phase == UpgradePhase.START && node.silent) {
        report.phase(UpgradePhase.START, "its endpoint does not answer: taken as stopped by the run"
            + " that failed on it; starting it on " + plan.jar());
      } else {
        report.phase(phase, startDetail(phase));
      }
      switch (phase) {
        case DRAIN -> {
          String via = request(phase, all, node, endpoint -> probe.drain(endpoint, node.address));
          report.detail(phase, "requested through " + via, null, null, null);
        }
        case AWAIT_DRAINED -> awaitDrained(node, all, report);
        case STOP -> {
          control(phase, () -> controller.stop(node.target, plan.deadlines().stop()));
          awaitGone(phase, node, all, report, false);
        }
        case KILL -> control(phase, () -> controller.kill(node.target));
        case AWAIT_TAKEOVER -> awaitGone(phase, node, all, report, true);
        case START -> control(phase, () -> controller.start(node.target, plan.jar()));
        case AWAIT_HEALTHY -> awaitHealthy(node, report);
        case AWAIT_CAUGHT_UP -> awaitCaughtUp(node, report);
        case UNDRAIN -> awaitUndrained(node, all, report);
        case AWAIT_SHARDS -> awaitShards(node, report);
        default -> throw new IllegalStateException("no phase " + phase + " in a plan");
      }
    }
    report.phase(UpgradePhase.DONE, "runs " + plan.jar());
  }

  private static boolean phaseBeforeStart(UpgradePhase phase) {
    return phase == UpgradePhase.DRAIN || phase == UpgradePhase.AWAIT_DRAINED
        || phase == UpgradePhase.STOP || phase == UpgradePhase.KILL
        || phase == UpgradePhase.AWAIT_TAKEOVER;
  }

  private String startDetail(UpgradePhase phase) {
    return switch (phase) {
      case STOP -> "SIGTERM, SIGKILL after " + plan.deadlines().stop();
      case KILL -> "SIGKILL";
      case START -> "on " + plan.jar();
      default -> "";
    };
  }

  @FunctionalInterface
  private interface Control {
    void run() throws NodeControlException;
  }

  private void control(UpgradePhase phase, Control action) throws PhaseFailed {
    try {
      action.run();
    } catch (NodeControlException e) {
      throw new PhaseFailed(phase, e.getMessage());
    }
  }

  @FunctionalInterface
  private interface Request {
    void send(String endpoint) throws ClusterProbe.ProbeException;
  }

  /**
   * Sends a request through the endpoint of the first node of {@code candidates} other than
   * {@code except} that takes it, else through {@code except}'s; answers the endpoint used.
   */
  private String request(UpgradePhase phase, List<Node> candidates, Node except, Request request)
      throws PhaseFailed {
    List<String> endpoints = new ArrayList<>();
    for (Node other : candidates) {
      if (other != except) {
        endpoints.add(other.target.endpoint());
      }
    }
    if (except != null) {
      endpoints.add(except.target.endpoint());
    }
    List<String> failures = new ArrayList<>();
    for (String endpoint : endpoints) {
      try {
        request.send(endpoint);
        return endpoint;
      } catch (ClusterProbe.ProbeException e) {
        failures.add(e.getMessage());
      }
    }
    throw new PhaseFailed(phase, "no endpoint took the request: " + String.join("; ", failures));
  }

  /** The cluster as the first other node that answers sees it. */
  private NodeStatus clusterStatus(List<Node> all, Node except) throws ClusterProbe.ProbeException {
    List<String> failures = new ArrayList<>();
    for (Node other : all) {
      if (other == except) {
        continue;
      }
      try {
        return probe.status(other.target.endpoint());
      } catch (ClusterProbe.ProbeException e) {
        failures.add(e.getMessage());
      }
    }
    if (failures.isEmpty() && except != null) {
      return probe.status(except.target.endpoint()); // a cluster of one
    }
    throw new ClusterProbe.ProbeException("no other node answered: " + String.join("; ", failures));
  }

  private static NodeStatus.ClusterNode entryOf(NodeStatus status, String address) {
    if (status.nodes() == null) {
      return null;
    }
    for (NodeStatus.ClusterNode entry : status.nodes()) {
      if (entry.address().equals(address)) {
        return entry;
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ the waits

  private void awaitDrained(Node node, List<Node> all, Reporter report)
      throws PhaseFailed, InterruptedException {
    int[] atStart = {-1};
    await(UpgradePhase.AWAIT_DRAINED, plan.deadlines().drain(), report, () -> {
      NodeStatus status;
      try {
        status = clusterStatus(all, node);
      } catch (ClusterProbe.ProbeException e) {
        return Look.waiting(e.getMessage());
      }
      NodeStatus.ClusterNode entry = entryOf(status, node.address);
      if (entry == null) {
        return Look.fatal("the cluster no longer lists " + node.address + " as a member: it"
            + " stopped or was removed while draining");
      }
      if (!entry.answered() || entry.shardCount() == null) {
        return Look.waiting("it did not report its shards");
      }
      int left = entry.shardCount();
      if (atStart[0] < 0) {
        atStart[0] = left;
      }
      int moved = Math.max(0, atStart[0] - left);
      boolean done = entry.drained() && left == 0;
      return new Look(done, left + " shard(s) left, " + moved + " moved"
          + (entry.drained() ? "" : " (drain not yet seen by this node)") + stallNote(status),
          left, moved, null, null);
    });
  }

  private void awaitGone(UpgradePhase phase, Node node, List<Node> all, Reporter report,
      boolean noShards) throws PhaseFailed, InterruptedException {
    await(phase, plan.deadlines().stop(), report, () -> {
      NodeStatus status;
      try {
        status = clusterStatus(all, node);
      } catch (ClusterProbe.ProbeException e) {
        return Look.waiting(e.getMessage());
      }
      String memberStatus = "absent";
      for (NodeStatus.Member member : status.members()) {
        if (member.address().equals(node.address)) {
          memberStatus = member.status() + (member.reachable() ? "" : ", unreachable");
        }
      }
      NodeStatus.ClusterNode entry = entryOf(status, node.address);
      Integer shards = entry == null || entry.shardCount() == null ? 0 : entry.shardCount();
      int elsewhere = 0;
      for (NodeStatus.ClusterNode other : status.nodes()) {
        if (!other.address().equals(node.address) && other.shardCount() != null) {
          elsewhere += other.shardCount();
        }
      }
      boolean gone = memberStatus.equals("absent") || memberStatus.startsWith("Removed")
          || memberStatus.startsWith("Down");
      boolean done = gone && (!noShards || shards == 0);
      return new Look(done, "member " + memberStatus + ", " + shards + " shard(s) on it, "
          + elsewhere + " on the others" + stallNote(status), noShards ? shards : null, null,
          null, null);
    });
  }

  private void awaitHealthy(Node node, Reporter report) throws PhaseFailed, InterruptedException {
    await(UpgradePhase.AWAIT_HEALTHY, plan.deadlines().start(), report, () -> {
      OptionalInt exit = controller.exitStatus(node.target);
      if (exit.isPresent()) {
        return Look.fatal("the new process exited with status " + exit.getAsInt() + " ("
            + controller.describe(node.target) + ")");
      }
      String unhealthy = probe.unhealthy(node.target.endpoint());
      if (unhealthy != null) {
        return Look.waiting("/health: " + unhealthy);
      }
      NodeStatus status;
      try {
        status = probe.status(node.target.endpoint());
      } catch (ClusterProbe.ProbeException e) {
        return Look.waiting(e.getMessage());
      }
      node.address = status.node().address();
      String app = status.node().appVersion();
      if (plan.expectedAppVersion() != null && !plan.expectedAppVersion().equals(app)) {
        return Look.fatal("it is healthy but runs app version " + app + ", not "
            + plan.expectedAppVersion() + ": the start command did not run the new jar");
      }
      boolean up = "Up".equals(status.node().status());
      return new Look(up, "healthy, member " + status.node().status() + ", app version " + app,
          null, null, null, null);
    });
  }

  private void awaitCaughtUp(Node node, Reporter report) throws PhaseFailed, InterruptedException {
    await(UpgradePhase.AWAIT_CAUGHT_UP, plan.deadlines().catchUp(), report, () -> {
      OptionalInt exit = controller.exitStatus(node.target);
      if (exit.isPresent()) {
        return Look.fatal("the new process exited with status " + exit.getAsInt() + " ("
            + controller.describe(node.target) + ")");
      }
      NodeStatus status;
      try {
        status = probe.status(node.target.endpoint());
      } catch (ClusterProbe.ProbeException e) {
        return Look.waiting(e.getMessage());
      }
      List<String> behind = new ArrayList<>();
      long lag = 0;
      for (NodeStatus.ClusterNode entry : status.nodes()) {
        if (entry.ringPosition() == null) {
          continue;
        }
        if (!entry.answered()) {
          behind.add(entry.address() + " did not report");
        } else if (Boolean.TRUE.equals(entry.underReplicated())) {
          behind.add(entry.address() + " under-replicated");
        }
        if (entry.replicationLag() != null) {
          lag += entry.replicationLag();
        }
      }
      int entitiesBehind = 0;
      if (status.progress() != null && status.progress().catchUp() != null) {
        for (NodeStatus.CatchUpProgress catchUp : status.progress().catchUp()) {
          boolean involved = catchUp.target().equals(node.address)
              || catchUp.owner().equals(node.address);
          if (involved && !catchUp.caughtUp()) {
            entitiesBehind += catchUp.entitiesBehind();
            behind.add("catch-up " + catchUp.owner() + " -> " + catchUp.target() + ": "
                + catchUp.entitiesBehind() + " entities behind");
          }
        }
      }
      boolean done = behind.isEmpty();
      return new Look(done, done ? "caught up, replication lag " + lag + " event(s)"
          : String.join("; ", behind) + ", replication lag " + lag + " event(s)",
          null, null, lag, null);
    });
  }

  /**
   * Ends the node's drain through another node's endpoint and waits until the restarted node
   * itself sees it ended, asking again while it does not. Why again: the drained set is a
   * replicated set in which a removal only removes what the replica taking it has seen; a node
   * that has just joined may not have received the drain yet, and an undrain it takes (or one that
   * crosses the gossip) is undone by the next merge. The request is idempotent.
   */
  private void awaitUndrained(Node node, List<Node> all, Reporter report)
      throws PhaseFailed, InterruptedException {
    await(UpgradePhase.UNDRAIN, plan.deadlines().shards(), report, () -> {
      String via;
      try {
        via = request(UpgradePhase.UNDRAIN, all, node,
            endpoint -> probe.undrain(endpoint, node.address));
      } catch (PhaseFailed e) {
        return Look.waiting(e.getMessage());
      }
      NodeStatus status;
      try {
        status = probe.status(node.target.endpoint());
      } catch (ClusterProbe.ProbeException e) {
        return Look.waiting("requested through " + via + "; " + e.getMessage());
      }
      NodeStatus.ClusterNode entry = entryOf(status, node.address);
      boolean drained = entry == null || entry.drained();
      return new Look(!drained, "requested through " + via + "; "
          + (drained ? "the node still sees itself drained" : "no longer drained"),
          null, null, null, null);
    });
  }

  private void awaitShards(Node node, Reporter report) throws PhaseFailed, InterruptedException {
    await(UpgradePhase.AWAIT_SHARDS, plan.deadlines().shards(), report, () -> {
      OptionalInt exit = controller.exitStatus(node.target);
      if (exit.isPresent()) {
        return Look.fatal("the new process exited with status " + exit.getAsInt() + " ("
            + controller.describe(node.target) + ")");
      }
      NodeStatus status;
      try {
        status = probe.status(node.target.endpoint());
      } catch (ClusterProbe.ProbeException e) {
        return Look.waiting(e.getMessage());
      }
      NodeStatus.ClusterNode entry = entryOf(status, node.address);
      int shards = entry == null || entry.shardCount() == null ? 0 : entry.shardCount();
      String unsettled = unsettled(status, node.address);
      return new Look(shards > 0 && unsettled == null, shards + " shard(s) on it"
          + (unsettled == null ? "; the cluster is balanced and no request waits" : "; "
          + unsettled), null, shards, null, null);
    });
  }

  /**
   * "; STALL: ..." naming each type with client requests waiting over a second and its shards
   * without a home, or "" when nothing waits: a stall shows in the progress as it happens.
   */
  static String stallNote(NodeStatus status) {
    if (status.progress() == null || status.progress().stalls() == null
        || status.progress().stalls().isEmpty()) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    for (NodeStatus.Stall stall : status.progress().stalls()) {
      parts.add(stall.type() + " " + stall.requests() + " waiting (oldest "
          + stall.oldestMillis() / 100 / 10.0 + " s, " + stall.homeless().size()
          + " shard(s) without a home)");
    }
    return "; STALL: " + String.join(", ", parts);
  }

  /**
   * Why the cluster is not settled yet, or null when it is: shards in hand-off (a rebalance
   * still moving them), client requests waiting over a second for their entity (a stall, a shard
   * without a home), or the upgraded node {@code upgraded} holding less than half the average
   * shard count of the other nodes that are not drained (it has not got its share back yet). The
   * coordinator's own {@code balanced} flag is shown in the status but not waited for: under a
   * live load, measured rates move and the rebalancer keeps trimming within its tolerance.
   */
  static String unsettled(NodeStatus status, String upgraded) {
    List<String> why = new ArrayList<>();
    if (status.progress() != null && status.progress().rebalances() != null) {
      for (io.baton.ring.RebalanceActivity rebalance : status.progress().rebalances()) {
        if (rebalance.shardsMovingNow() > 0) {
          why.add(rebalance.type() + " has " + rebalance.shardsMovingNow()
              + " shard(s) in hand-off");
        }
      }
    }
    if (status.progress() != null && status.progress().stalls() != null) {
      for (NodeStatus.Stall stall : status.progress().stalls()) {
        why.add(stall.type() + ": " + stall.requests() + " request(s) waiting over 1 s"
            + (stall.homeless().isEmpty() ? "" : ", " + stall.homeless().size()
            + " shard(s) without a home"));
      }
    }
    if (status.nodes() != null && upgraded != null) {
      Integer mine = null;
      int others = 0;
      int count = 0;
      for (NodeStatus.ClusterNode node : status.nodes()) {
        if (node.address().equals(upgraded)) {
          mine = node.shardCount();
        } else if (!node.drained() && node.shardCount() != null) {
          others += node.shardCount();
          count++;
        }
      }
      if (mine != null && count > 0 && mine * 2 * count < others) {
        why.add("it holds " + mine + " shard(s), under half the others' average of "
            + (others / count));
      }
    }
    return why.isEmpty() ? null : String.join("; ", why);
  }

  /**
   * Looks again and again, {@code poll} apart, until the look is done (returns), fatal (fails at
   * once) or the deadline passes (fails with the last look).
   */
  private void await(UpgradePhase phase, Duration limit, Reporter report, Observation observation)
      throws PhaseFailed, InterruptedException {
    long deadline = clock.nanoTime() + limit.toNanos();
    while (true) {
      Look look = observation.look();
      if (look.fatal() != null) {
        throw new PhaseFailed(phase, look.fatal());
      }
      report.detail(phase, look.detail(), look.shardsLeft(), look.shardsMoved(), look.lag());
      if (look.done()) {
        return;
      }
      if (clock.nanoTime() - deadline >= 0) {
        throw new PhaseFailed(phase, "not done within " + limit + "; last seen: " + look.detail());
      }
      clock.sleep(plan.deadlines().poll());
    }
  }

  // ------------------------------------------------------------------ the report

  private String stateAfter(Node node, UpgradePhase phase) {
    boolean graceful = plan.mode() == UpgradeMode.GRACEFUL;
    String name = node.name();
    String process = controller.exitStatus(node.target).isPresent() ? ""
        : " If a new process of " + name + " still runs unhealthy, stop it ("
            + controller.describe(node.target) + ").";
    return switch (phase) {
      case DRAIN -> name + " still runs the old jar and serves its shards; nothing changed.";
      case AWAIT_DRAINED -> name + " still runs the old jar and stays drained: the shards that"
          + " moved are served by the other nodes, the rest by " + name + ".";
      case STOP, KILL, AWAIT_TAKEOVER -> name + (graceful
          ? " was drained: the other nodes serve its shards."
          : " was killed or is being killed: its ring successor takes its shards over.")
          + " Its process may still run (" + controller.describe(node.target) + ").";
      case START, AWAIT_HEALTHY, AWAIT_CAUGHT_UP -> (graceful
          ? name + " was drained before it was stopped, so the rest of the cluster already serves"
              + " its shards; it stays drained, so a process started on its address gets no shard"
              + " until it is undrained."
          : name + " was killed; its ring successor took its shards over and the rest of the"
              + " cluster serves every entity.") + process;
      case UNDRAIN, AWAIT_SHARDS -> name + " runs the new jar and is healthy and caught up"
          + (graceful ? "; it may still be drained (baton-status shows it)." : ".");
      case PREFLIGHT, DONE -> name + " is as it was.";
    };
  }

  private String adviceAfter(Node node, UpgradePhase phase, List<Node> order, int index) {
    String name = node.name();
    String resume = "rerun the upgrade with --resume-from " + name;
    return switch (phase) {
      case DRAIN, AWAIT_DRAINED -> "look at baton-status --node " + node.target.endpoint()
          + " (unreachable members? a drain that cannot complete?); then " + resume
          + ", or end the drain with baton-undrain " + name + " --via " + node.target.endpoint();
      case STOP, KILL, AWAIT_TAKEOVER -> "make sure the old process of " + name + " is gone and"
          + " the cluster removed it (baton-status), then " + resume;
      case START, AWAIT_HEALTHY, AWAIT_CAUGHT_UP -> "read the new process's output ("
          + controller.describe(node.target) + "). Either restart " + name + " on the old jar with"
          + " the start command it ran before"
          + (plan.mode() == UpgradeMode.GRACEFUL ? " and end its drain (baton-undrain " + name
              + ")" : "") + ", or fix the new jar and " + resume + ". A rollback of the nodes"
          + " already upgraded is the same command with the old jar.";
      case UNDRAIN, AWAIT_SHARDS -> (plan.mode() == UpgradeMode.GRACEFUL
          ? "end its drain if baton-status still shows it (baton-undrain " + name + "), then " : "")
          + (index + 1 < order.size()
              ? "rerun the upgrade with --resume-from " + order.get(index + 1).name()
              : "nothing: no node is left to upgrade");
      case PREFLIGHT, DONE -> "nothing";
    };
  }

  /** Sends progress events for one node, each detail once. */
  private final class Reporter {
    private final String node;
    private final int index;
    private final int total;
    private String lastDetail;

    Reporter(String node, int index, int total) {
      this.node = node;
      this.index = index;
      this.total = total;
    }

    void phase(UpgradePhase phase, String detail) {
      lastDetail = null;
      listener.onProgress(new UpgradeProgress(index, total, node, phase, detail, null, null, null));
    }

    void detail(UpgradePhase phase, String detail, Integer shardsLeft, Integer shardsMoved,
        Long lag) {
      if (detail.equals(lastDetail)) {
        return;
      }
      lastDetail = detail;
      listener.onProgress(new UpgradeProgress(index, total, node, phase, detail, shardsLeft,
          shardsMoved, lag));
    }
  }
}
