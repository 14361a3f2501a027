package io.baton.upgrade.rolling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The orchestration of {@link RollingUpgrade} against a simulated cluster ({@link FakeCluster})
 * and manual time: order, phases, progress, and where it stops when a node fails.
 */
@Timeout(30)
class RollingUpgradeTest {

  private static final String NEW_JAR = "2";

  /** Ring order is address order: nodeB (2551), nodeC (2552), nodeA (2553); 10 shards each. */
  private final FakeCluster cluster = new FakeCluster()
      .node("nodeA", 2553, 10)
      .node("nodeB", 2551, 10)
      .node("nodeC", 2552, 10);
  private final FakeCluster.ManualClock clock = new FakeCluster.ManualClock();
  private final List<UpgradeProgress> events = new ArrayList<>();

  private UpgradePlan plan(String jar, UpgradeMode mode) {
    return UpgradePlan.of(List.of(cluster.target("nodeA"), cluster.target("nodeB"),
        cluster.target("nodeC")), jar, mode)
        .withDeadlines(UpgradeDeadlines.DEFAULT.withPoll(Duration.ofMillis(100)));
  }

  private UpgradeReport run(UpgradePlan plan) throws InterruptedException {
    return RollingUpgrade.create(plan, cluster, cluster, events::add, clock).run();
  }

  /** The phases each node went through, in the order the listener saw them. */
  private List<UpgradePhase> phasesOf(String node) {
    List<UpgradePhase> phases = new ArrayList<>();
    for (UpgradeProgress event : events) {
      if (event.node().equals(node) && (phases.isEmpty()
          || phases.get(phases.size() - 1) != event.phase())) {
        phases.add(event.phase());
      }
    }
    return phases;
  }

  private static List<UpgradePhase> withDone(UpgradeMode mode) {
    List<UpgradePhase> phases = new ArrayList<>(mode.phases());
    phases.add(UpgradePhase.DONE);
    return phases;
  }

  /** Property: graceful mode takes the nodes in ring order, not list order, each through every
   * phase in order, and touches one node at a time. */
  @Test
  void gracefulUpgradeTakesTheNodesInRingOrderThroughEveryPhase() throws Exception {
    UpgradeReport report = run(plan(NEW_JAR, UpgradeMode.GRACEFUL));

    assertTrue(report.completed(), report.render());
    assertEquals(List.of("nodeB", "nodeC", "nodeA"), report.upgraded());
    assertEquals(List.of(
        "drain nodeB via nodeA", "stop nodeB", "start nodeB 2", "undrain nodeB via nodeA",
        "drain nodeC via nodeA", "stop nodeC", "start nodeC 2", "undrain nodeC via nodeA",
        "drain nodeA via nodeB", "stop nodeA", "start nodeA 2", "undrain nodeA via nodeB"),
        cluster.log);
    for (String node : List.of("nodeA", "nodeB", "nodeC")) {
      assertEquals(withDone(UpgradeMode.GRACEFUL), phasesOf(node), node);
      assertEquals(NEW_JAR, cluster.appVersion(node), node);
      assertTrue(cluster.shards(node) > 0, node + " holds shards again");
    }
    assertEquals(30, cluster.shards("nodeA") + cluster.shards("nodeB") + cluster.shards("nodeC"));
  }

  /** Property: an undrain that the cluster loses (a replica that had not seen the drain took
   * it) is asked again until the node sees itself undrained; then it gets shards. */
  @Test
  void aLostUndrainIsAskedAgainUntilTheNodeIsUndrained() throws Exception {
    cluster.undrainsToLose = 2;
    UpgradeReport report = run(plan(NEW_JAR, UpgradeMode.GRACEFUL));

    assertTrue(report.completed(), report.render());
    List<String> undrains = cluster.log.stream().filter(l -> l.startsWith("undrain nodeB"))
        .toList();
    assertEquals(List.of("undrain nodeB via nodeA (lost)", "undrain nodeB via nodeA (lost)",
        "undrain nodeB via nodeA"), undrains);
    assertTrue(cluster.shards("nodeB") > 0);
  }

  /** Property: crash mode kills instead of draining, waits for the takeover, never drains. */
  @Test
  void crashUpgradeKillsWaitsForTheTakeoverAndNeverDrains() throws Exception {
    UpgradeReport report = run(plan(NEW_JAR, UpgradeMode.CRASH));

    assertTrue(report.completed(), report.render());
    assertEquals(List.of("kill nodeB", "start nodeB 2", "kill nodeC", "start nodeC 2",
        "kill nodeA", "start nodeA 2"), cluster.log);
    for (String node : List.of("nodeA", "nodeB", "nodeC")) {
      assertEquals(withDone(UpgradeMode.CRASH), phasesOf(node), node);
      assertEquals(NEW_JAR, cluster.appVersion(node), node);
    }
    boolean sawTakeover = events.stream().anyMatch(e -> e.phase() == UpgradePhase.AWAIT_TAKEOVER
        && e.shardsLeft() != null && e.shardsLeft() == 0);
    assertTrue(sawTakeover, "the takeover wait reports the shards left on the killed node");
  }

  /** Property: progress says node k of n, and the drain's shards left fall as shards moved rise. */
  @Test
  void progressCountsTheNodesAndTheShardsOfTheDrain() throws Exception {
    run(plan(NEW_JAR, UpgradeMode.GRACEFUL));

    List<String> order = List.of("nodeB", "nodeC", "nodeA");
    assertEquals("[PREFLIGHT] cluster: order nodeB, nodeC, nodeA (ring order)",
        events.get(0).render());
    for (UpgradeProgress event : events.subList(1, events.size())) {
      assertEquals(3, event.total());
      assertEquals(order.get(event.index() - 1), event.node(), event.render());
    }
    List<UpgradeProgress> drain = events.stream().filter(e -> e.node().equals("nodeB")
        && e.phase() == UpgradePhase.AWAIT_DRAINED && e.shardsLeft() != null).toList();
    assertTrue(drain.size() > 2, "the drain was followed shard by shard: " + drain);
    assertEquals(0, drain.get(drain.size() - 1).shardsLeft());
    int atFirstLook = drain.get(0).shardsLeft() + drain.get(0).shardsMoved();
    for (int i = 1; i < drain.size(); i++) {
      assertTrue(drain.get(i).shardsLeft() < drain.get(i - 1).shardsLeft(), drain.toString());
      assertEquals(atFirstLook, drain.get(i).shardsLeft() + drain.get(i).shardsMoved());
    }
    assertTrue(events.stream().anyMatch(e -> e.phase() == UpgradePhase.AWAIT_CAUGHT_UP
        && e.replicationLag() != null && e.replicationLag() > 0), "the lag is reported");
  }

  /** Property: a new jar that exits stops the upgrade at that node; no other node is touched,
   * and the report says where, what was seen, that the cluster serves, and how to go on. */
  @Test
  void aNewJarThatExitsStopsTheUpgradeAtItsNodeAndTouchesNoOther() throws Exception {
    UpgradeReport report = run(plan(FakeCluster.EXITING_JAR, UpgradeMode.GRACEFUL));

    assertEquals(UpgradeReport.Outcome.FAILED, report.outcome());
    assertEquals("nodeB", report.failedNode());
    assertEquals(UpgradePhase.AWAIT_HEALTHY, report.failedPhase());
    assertTrue(report.seen().contains("exited with status 1"), report.seen());
    assertEquals(List.of(), report.upgraded());
    assertEquals(List.of("nodeC", "nodeA"), report.untouched());
    assertEquals(List.of("drain nodeB via nodeA", "stop nodeB", "start nodeB broken.jar"),
        cluster.log);
    assertTrue(cluster.running("nodeA") && cluster.running("nodeC"));
    assertEquals(30, cluster.shards("nodeA") + cluster.shards("nodeC"), "they serve every shard");
    assertTrue(report.clusterState().contains("already serves its shards"), report.render());
    assertTrue(report.advice().contains("--resume-from nodeB"), report.render());
    assertTrue(report.render().startsWith("UPGRADE STOPPED at nodeB, phase AWAIT_HEALTHY"));
  }

  /** Property: a node that never becomes healthy fails at its start deadline, not before or
   * after, and nothing else is touched. */
  @Test
  void aNodeThatNeverBecomesHealthyFailsAtItsDeadline() throws Exception {
    UpgradePlan plan = plan(FakeCluster.NEVER_HEALTHY_JAR, UpgradeMode.CRASH)
        .withDeadlines(UpgradeDeadlines.DEFAULT.withPoll(Duration.ofMillis(100))
            .withStart(Duration.ofSeconds(5)));
    UpgradeReport report = run(plan);

    assertEquals(UpgradePhase.AWAIT_HEALTHY, report.failedPhase());
    assertTrue(report.seen().contains("not done within PT5S"), report.seen());
    assertTrue(report.seen().contains("503"), report.seen());
    assertEquals(List.of("kill nodeB", "start nodeB hung.jar"), cluster.log);
    assertTrue(report.clusterState().contains("successor took its shards over"), report.render());
    long healthPolls = events.stream().filter(e -> e.phase() == UpgradePhase.AWAIT_HEALTHY)
        .count();
    assertTrue(healthPolls >= 1, "the wait was reported");
  }

  /** Property: --resume-from skips the nodes before it in ring order. */
  @Test
  void resumeFromSkipsTheNodesBeforeItInRingOrder() throws Exception {
    UpgradeReport report = run(plan(NEW_JAR, UpgradeMode.GRACEFUL).withResumeFrom("nodeC"));

    assertTrue(report.completed(), report.render());
    assertEquals(List.of("nodeC", "nodeA"), report.upgraded());
    assertEquals("1", cluster.appVersion("nodeB"), "nodeB was taken as done");
    assertFalse(cluster.log.stream().anyMatch(line -> line.matches("\\w+ nodeB\\b.*")),
        cluster.log.toString());
    assertEquals("drain nodeC via nodeA", cluster.log.get(0));
  }

  /** Property: the node a failed run left stopped is resumed from its start, not drained again. */
  @Test
  void aResumedNodeThatIsStoppedIsStartedFirst() throws Exception {
    cluster.stopped("nodeB");
    UpgradeReport report = run(plan(NEW_JAR, UpgradeMode.CRASH).withResumeFrom("nodeB"));

    assertTrue(report.completed(), report.render());
    assertEquals("start nodeB 2", cluster.log.get(0));
    assertEquals(UpgradePhase.START, phasesOf("nodeB").get(0));
    assertEquals(NEW_JAR, cluster.appVersion("nodeB"));
  }

  /** Property: a node that does not answer (and is not the resumed one) refuses the whole run. */
  @Test
  void aNodeThatDoesNotAnswerRefusesTheRunBeforeAnyNodeIsTouched() throws Exception {
    cluster.stopped("nodeC");
    UpgradeReport report = run(plan(NEW_JAR, UpgradeMode.GRACEFUL));

    assertEquals(UpgradeReport.Outcome.REFUSED, report.outcome());
    assertTrue(report.seen().contains("nodeC"), report.seen());
    assertEquals(List.of(), cluster.log);
    assertEquals(List.of(), events);
    assertNull(report.failedNode());
  }

  /** Property: a rollback is refused, touching nothing, once the version gate has advanced past
   * what the running jars write down to (what the previous release reads). */
  @Test
  void aRollbackIsRefusedOnceTheVersionGateHasAdvanced() throws Exception {
    cluster.gate = List.of(new ClusterProbe.ActiveVersion("bank.Account$Opened", 1, 1),
        new ClusterProbe.ActiveVersion("bank.Account$Deposited", 2, 1));
    UpgradeReport report = run(plan("1", UpgradeMode.GRACEFUL).withRollback(true));

    assertEquals(UpgradeReport.Outcome.REFUSED, report.outcome());
    assertTrue(report.seen().contains("bank.Account$Deposited is active at version 2, the running"
        + " jars write down to version 1"), report.seen());
    assertFalse(report.seen().contains("Opened"), report.seen());
    assertTrue(report.advice().contains("Roll forward"), report.advice());
    assertEquals(List.of(), cluster.log);
  }

  /** Property: a rollback goes on while no active version has advanced (the gate held). */
  @Test
  void aRollbackGoesOnWhileTheGateHasNotAdvanced() throws Exception {
    cluster.gate = List.of(new ClusterProbe.ActiveVersion("bank.Account$Deposited", 1, 1),
        new ClusterProbe.ActiveVersion("bank.Account$Undecided", null, 1));
    UpgradeReport report = run(plan("1", UpgradeMode.GRACEFUL).withRollback(true));

    assertTrue(report.completed(), report.render());
    assertTrue(events.get(0).detail().contains("no active version has advanced"),
        events.get(0).render());
  }

  /** Property: without a gate in the status the rollback is not checked, and says so. */
  @Test
  void aRollbackWithoutAGateInTheStatusSaysItWasNotChecked() throws Exception {
    UpgradeReport report = run(plan("1", UpgradeMode.CRASH).withRollback(true));

    assertTrue(report.completed(), report.render());
    assertTrue(events.get(0).detail().contains("not checked"), events.get(0).render());
  }

  /** Property: a node list naming an endpoint with the wrong node is refused. */
  @Test
  void anEndpointOfAnotherNodeIsRefused() throws Exception {
    UpgradePlan plan = UpgradePlan.of(List.of(new UpgradeTarget("nodeA",
        cluster.target("nodeB").endpoint())), NEW_JAR, UpgradeMode.GRACEFUL);
    UpgradeReport report = run(plan);

    assertEquals(UpgradeReport.Outcome.REFUSED, report.outcome());
    assertTrue(report.seen().contains("is node 'nodeB', not 'nodeA'"), report.seen());
    assertEquals(List.of(), cluster.log);
  }

  /** Property: the app version check fails a node that came back on the old release. */
  @Test
  void aNodeReportingAnotherAppVersionFailsItsHealthCheck() throws Exception {
    UpgradeReport report = run(plan(NEW_JAR, UpgradeMode.CRASH).withExpectedAppVersion("3"));

    assertEquals(UpgradePhase.AWAIT_HEALTHY, report.failedPhase());
    assertTrue(report.seen().contains("runs app version 2, not 3"), report.seen());
    assertEquals(List.of("nodeC", "nodeA"), report.untouched());
  }

  /**
   * Property: the upgrade of a node is not done while its cluster is not settled: a type whose
   * coordinator does not find it balanced, or client requests waiting (shards without a home).
   */
  @Test
  void aNodeIsNotDoneWhileShardsMoveRequestsWaitOrItLacksItsShare() {
    io.baton.ring.RebalanceActivity quiet = new io.baton.ring.RebalanceActivity(
        "a", "account", 0, 3, 12, null, false);
    io.baton.ring.RebalanceActivity moving = new io.baton.ring.RebalanceActivity(
        "a", "transfer", 4, 3, 12, null, false);
    io.baton.ops.NodeStatus.Stall stall = new io.baton.ops.NodeStatus.Stall(
        "transfer", 7, 2_000, java.util.List.of("3", "4"), java.util.List.of("4"));
    assertNull(RollingUpgrade.unsettled(statusWith(java.util.List.of(quiet),
        java.util.List.of()), null));
    String unbalanced = RollingUpgrade.unsettled(statusWith(java.util.List.of(quiet, moving),
        java.util.List.of()), null);
    assertTrue(unbalanced.contains("transfer has 4 shard(s) in hand-off"), unbalanced);
    String waiting = RollingUpgrade.unsettled(statusWith(java.util.List.of(quiet),
        java.util.List.of(stall)), null);
    assertTrue(waiting.contains("7 request(s) waiting") && waiting.contains("1 shard(s) without"),
        waiting);
    String note = RollingUpgrade.stallNote(statusWith(java.util.List.of(), java.util.List.of(stall)));
    assertEquals("; STALL: transfer 7 waiting (oldest 2.0 s, 1 shard(s) without a home)", note);
    assertEquals("", RollingUpgrade.stallNote(statusWith(java.util.List.of(), java.util.List.of())));

    // The upgraded node must have its share back: under half the others' average is not done.
    java.util.function.Function<Integer, io.baton.ops.NodeStatus> withShards = mine ->
        new io.baton.ops.NodeStatus(null, java.util.List.of(), java.util.List.of(), null, null,
            java.util.List.of(node("a", mine), node("b", 40), node("c", 30)),
            new io.baton.ops.NodeStatus.Progress(java.util.List.of(), java.util.List.of(),
                java.util.List.of(), java.util.List.of()), null, null);
    String lacking = RollingUpgrade.unsettled(withShards.apply(10), "a");
    assertTrue(lacking.contains("it holds 10 shard(s), under half the others' average of 35"),
        lacking);
    assertNull(RollingUpgrade.unsettled(withShards.apply(18), "a"));
  }

  private static io.baton.ops.NodeStatus.ClusterNode node(String address, int shards) {
    return new io.baton.ops.NodeStatus.ClusterNode(address, 1, "Up", true, false, true, address,
        "0.1.0", "1", java.util.Map.of(), java.util.Map.of(), shards, 0L, null, null, null);
  }

  private static io.baton.ops.NodeStatus statusWith(
      java.util.List<io.baton.ring.RebalanceActivity> rebalances,
      java.util.List<io.baton.ops.NodeStatus.Stall> stalls) {
    return new io.baton.ops.NodeStatus(null, java.util.List.of(), java.util.List.of(), null, null,
        java.util.List.of(), new io.baton.ops.NodeStatus.Progress(java.util.List.of(),
            java.util.List.of(), rebalances, stalls), null, null);
  }
}
