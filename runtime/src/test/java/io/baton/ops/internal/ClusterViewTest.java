package io.baton.ops.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.journal.replication.ReplicationMode;
import io.baton.journal.replication.ReplicationStatus;
import io.baton.ring.RebalanceActivity;
import io.baton.ops.DrainProgress;
import io.baton.ops.NodeStatus;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The cluster-wide status computed from members, ring, drained set and reports. */
@Timeout(10)
class ClusterViewTest {

  private static final String A = "pekko://baton@10.0.0.1:25520";
  private static final String B = "pekko://baton@10.0.0.2:25520";
  private static final String C = "pekko://baton@10.0.0.3:25520";

  private static NodeReport report(String address, String name,
      Map<String, Map<String, Integer>> shards, Map<String, Map<String, Double>> load,
      long lag, List<String> unanswered) {
    ReplicationStatus replication = new ReplicationStatus(address, ReplicationMode.SYNC, 2,
        List.of(A, B), List.of(), false, lag, 0,
        List.of(new ReplicationStatus.CatchUp(B, 3, 8, 40, false)), "intact");
    return new NodeReport(address, name, "0.1.0", "app-1", Map.of(), shards, unanswered, load,
        replication, List.of(), null);
  }

  private static NodeReport rebalancing(String address, RebalanceActivity... activities) {
    return new NodeReport(address, address, "0.1.0", "app-1", Map.of(), Map.of(), List.of(),
        Map.of(), null, List.of(activities), Map.of());
  }

  /**
   * Rebalance progress comes from the node whose strategy moved shards (the coordinator's); idle
   * strategies are left out; after the coordinator moved, the latest round wins.
   */
  @Test
  void rebalancesShowTheCoordinatorsActivityPerType() {
    RebalanceActivity idle = new RebalanceActivity(B, "account", 0, 0, 0, null);
    RebalanceActivity old = new RebalanceActivity(A, "account", 0, 1, 5,
        new RebalanceActivity.Round(1_000, "count", A, B, 5));
    RebalanceActivity recent = new RebalanceActivity(C, "account", 2, 1, 2,
        new RebalanceActivity.Round(2_000, "drain", B, C, 2));
    RebalanceActivity cart = new RebalanceActivity(A, "cart", 1, 0, 0, null);
    Map<String, NodeReport> reports = Map.of(
        A, rebalancing(A, old, cart), B, rebalancing(B, idle), C, rebalancing(C, recent),
        "silent", report("silent", "silent", Map.of(), Map.of(), 0, List.of()));

    assertEquals(List.of(recent, cart), ClusterView.rebalances(reports));
  }

  /**
   * Property: a stall shows as it happens: requests waiting over a second are summed per type over
   * the nodes they entered through, and the shards they wait for that no node hosts are homeless.
   */
  @Test
  void stallsSumWaitingRequestsPerTypeAndNameTheShardsWithoutAHome() {
    NodeReport a = withWaiting(report(A, "alpha", Map.of("transfer", Map.of("3", 1, "5", 2)),
        Map.of(), 0, List.of()), Map.of("transfer",
        new io.baton.client.WaitingRequests.Waiting(4, 2_500, List.of("5", "7"))));
    NodeReport b = withWaiting(report(B, "beta", Map.of("account", Map.of("9", 1)), Map.of(), 0,
        List.of()), Map.of("transfer",
        new io.baton.client.WaitingRequests.Waiting(2, 1_200, List.of("7", "8")),
        "account", new io.baton.client.WaitingRequests.Waiting(1, 1_100, List.of("9"))));
    NodeReport old = report(C, C, Map.of(), Map.of(), 0, List.of()); // an older Baton: no field

    List<NodeStatus.Stall> stalls = ClusterView.stalls(Map.of(A, a, B, b, C, old));

    assertEquals(List.of(
        new NodeStatus.Stall("account", 1, 1_100, List.of("9"), List.of()),
        new NodeStatus.Stall("transfer", 6, 2_500, List.of("5", "7", "8"), List.of("7", "8"))),
        stalls);
    assertEquals(List.of(), ClusterView.stalls(Map.of(C, old)));
  }

  private static NodeReport withWaiting(NodeReport report,
      Map<String, io.baton.client.WaitingRequests.Waiting> waiting) {
    return new NodeReport(report.address(), report.name(), report.batonVersion(),
        report.appVersion(), report.behaviourVersions(), report.shards(),
        report.unansweredTypes(), report.messagesPerSecond(), report.replication(),
        report.rebalances(), waiting);
  }

  /** Ring members come first in ring order, then the others; a silent member has only nulls. */
  @Test
  void nodesAreInRingOrderWithWhatTheyReported() {
    List<NodeStatus.Member> members = List.of(
        new NodeStatus.Member(A, "Up", true),
        new NodeStatus.Member(B, "Up", false),
        new NodeStatus.Member(C, "Joining", true));
    Map<String, NodeReport> reports = Map.of(
        A, report(A, "alpha", Map.of("account", Map.of("1", 2, "7", 3), "cart", Map.of("4", 1)),
            Map.of("account", Map.of("1", 10.0, "7", 5.5)), 4, List.of()),
        C, report(C, C, Map.of(), Map.of(), 0, List.of()));

    List<NodeStatus.ClusterNode> nodes =
        ClusterView.nodes(members, List.of(B, A), Set.of(B), reports);

    assertEquals(List.of(B, A, C), nodes.stream().map(NodeStatus.ClusterNode::address).toList());
    NodeStatus.ClusterNode b = nodes.get(0);
    assertEquals(1, b.ringPosition());
    assertTrue(b.drained());
    assertFalse(b.reachable());
    assertFalse(b.answered());
    assertNull(b.shardCount());
    assertNull(b.replicationLag());

    NodeStatus.ClusterNode a = nodes.get(1);
    assertEquals(2, a.ringPosition());
    assertTrue(a.answered());
    assertEquals("alpha", a.name());
    assertEquals(3, a.shardCount());
    assertEquals(6, a.entities());
    assertEquals(2, a.shards().get("account").count());
    assertEquals(5, a.shards().get("account").entities());
    assertEquals(List.of("1", "7"),
        a.shards().get("account").hosted().stream().map(NodeStatus.Shard::id).toList());
    assertEquals(15.5, a.messagesPerSecond(), 1e-9, "sum of the measured shards");
    assertNull(a.shards().get("cart").hosted().get(0).messagesPerSecond(), "not measured");
    assertEquals(4, a.replicationLag());

    NodeStatus.ClusterNode c = nodes.get(2);
    assertNull(c.ringPosition(), "a joining member owns no data");
    assertNull(c.messagesPerSecond(), "no load measured anywhere: unknown, not 0");
    assertEquals(0, c.shardCount());
  }

  /** Catch-up is listed per owner, in the order given, from the owners that answered. */
  @Test
  void catchUpIsListedPerOwnerAndTarget() {
    Map<String, NodeReport> reports = Map.of(
        A, report(A, A, Map.of(), Map.of(), 0, List.of()),
        B, report(B, B, Map.of(), Map.of(), 0, List.of()));
    List<NodeStatus.CatchUpProgress> progress = ClusterView.catchUp(List.of(B, C, A), reports);
    assertEquals(List.of(B, A), progress.stream().map(NodeStatus.CatchUpProgress::owner).toList());
    assertEquals(3, progress.get(0).entitiesBehind());
    assertEquals(8, progress.get(0).entitiesInPass());
    assertEquals(40, progress.get(0).eventsCopied());
    assertFalse(progress.get(0).caughtUp());
  }

  /** A drain's start count is kept while its shards fall, and forgotten once it is undrained. */
  @Test
  void drainBaselinesKeepTheStartAndForgetUndrainedNodes() {
    Map<String, Integer> first = ClusterView.nextBaselines(Map.of(), Set.of(B), Map.of(B, 10));
    assertEquals(Map.of(B, 10), first);
    Map<String, Integer> falling = ClusterView.nextBaselines(first, Set.of(B), Map.of(B, 4));
    assertEquals(Map.of(B, 10), falling, "the start count stays while shards move off");
    Map<String, Integer> unknown = ClusterView.nextBaselines(falling, Set.of(B), Map.of());
    assertEquals(Map.of(B, 10), unknown, "a missed report does not lose it");
    assertEquals(Map.of(), ClusterView.nextBaselines(unknown, Set.of(), Map.of(B, 0)),
        "undrained: forgotten");
    assertEquals(Map.of(), ClusterView.nextBaselines(Map.of(), Set.of(C), Map.of()),
        "never seen: nothing to remember");
  }

  /** A drain is complete only when the node answered every type and hosts nothing. */
  @Test
  void drainIsCompleteOnlyWhenTheNodeReportedNothingLeft() {
    Map<String, NodeReport> reports = Map.of(
        A, report(A, "alpha", Map.of("account", Map.of()), Map.of(), 0, List.of()),
        B, report(B, "beta", Map.of("account", Map.of("3", 1)), Map.of(), 0, List.of()),
        C, report(C, "gamma", Map.of(), Map.of(), 0, List.of("account")));
    List<DrainProgress> drains = ClusterView.drains(Set.of(C, A, B), Set.of(A, B, C),
        Map.of(B, 5), reports);
    assertEquals(List.of(A, B, C), drains.stream().map(DrainProgress::node).toList());
    assertTrue(drains.get(0).complete());
    assertEquals(0, drains.get(0).shardsLeft());
    assertFalse(drains.get(1).complete());
    assertEquals(1, drains.get(1).shardsLeft());
    assertEquals(5, drains.get(1).shardsAtStart());
    assertEquals("beta", drains.get(1).name());
    assertFalse(drains.get(2).complete(), "a type did not answer: unknown, not complete");
    assertNull(drains.get(2).shardsLeft());
    DrainProgress silent = ClusterView.drains(Set.of(C), Set.of(C), Map.of(), Map.of()).get(0);
    assertFalse(silent.complete());
    assertEquals(C, silent.name());
  }

  /** A drained node that left the cluster hosts nothing: complete, and shown as stopped. */
  @Test
  void aDrainedNodeThatLeftIsShownStoppedAndComplete() {
    Set<String> present = ClusterView.present(List.of(
        new NodeStatus.Member(A, "Up", true), new NodeStatus.Member(B, "Down", false),
        new NodeStatus.Member(C, "Leaving", true)));
    assertEquals(Set.of(A, C), present);
    DrainProgress gone = ClusterView.drains(Set.of(B), present, Map.of(B, 7), Map.of()).get(0);
    assertTrue(gone.stopped());
    assertTrue(gone.complete());
    assertEquals(0, gone.shardsLeft());
    assertEquals(7, gone.shardsAtStart());
    DrainProgress member = ClusterView.drains(Set.of(C), present, Map.of(), Map.of()).get(0);
    assertFalse(member.stopped(), "a member that has not answered is not stopped");
    assertFalse(member.complete());
  }
}
