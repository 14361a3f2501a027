package io.baton.supervision;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Trees: a supervisor that gives up exits with shutdown, and its parent handles that exit. */
@Timeout(30)
class EscalationTest extends SupervisorFixture {

  /** Reports of every supervisor, as "supervisor: line", supervisor names without their suffix. */
  private TestProbe<SupervisorReport> allReports() {
    TestProbe<SupervisorReport> probe = kit().createTestProbe();
    SupervisorReports.subscribe(kit().system(), probe.ref());
    return probe;
  }

  private static List<String> next(TestProbe<SupervisorReport> probe, int count) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      SupervisorReport report = probe.receiveMessage(Duration.ofSeconds(10));
      String name = report.supervisor().path().name().replaceAll("-\\d+$", "");
      lines.add(name + ": " + Reports.describe(report));
    }
    return lines;
  }

  private SupervisorSpec level(int intensity, ChildSpec... children) {
    return SupervisorSpec.oneForOne().withIntensity(intensity, Duration.ofSeconds(60))
        .withTicker(ticker).withChildren(List.of(children));
  }

  @Test
  void intensityExceededAtTheBottomEscalatesThreeLevelsToTheRoot() {
    var bottom = level(1, worker("w"), worker("v"));
    var middle = level(0, worker("m"), ChildSpec.supervisor("bottom", bottom));
    var top = level(0, worker("t"), ChildSpec.supervisor("middle", middle));
    var probe = allReports();
    var root = kit().spawn(Supervisor.create(top), "top");
    assertEquals(List.of("top: started t", "middle: started m", "bottom: started w",
        "bottom: started v", "middle: started bottom", "top: started middle"), next(probe, 6));
    var w = childOfPath(root, "middle", "bottom", "w");
    w.tell(new TestChild.Crash("one"));
    assertEquals(List.of("bottom: exited w:one", "bottom: started w"), next(probe, 2));
    childOfPath(root, "middle", "bottom", "w").tell(new TestChild.Crash("two"));
    assertEquals(List.of(
        "bottom: exited w:two",
        "bottom: reached_max_restart_intensity",
        "bottom: stopped v:shutdown",
        "bottom: supervisor_exited:shutdown",
        "middle: exited bottom:shutdown",
        "middle: reached_max_restart_intensity",
        "middle: stopped m:shutdown",
        "middle: supervisor_exited:shutdown",
        "top: exited middle:shutdown",
        "top: reached_max_restart_intensity",
        "top: stopped t:shutdown",
        "top: supervisor_exited:shutdown"), next(probe, 12));
    expectTerminated(root);
  }

  @Test
  void aLevelWithIntensityLeftAbsorbsTheEscalationAndRebuildsTheSubtree() {
    var bottom = level(0, worker("w"));
    var middle = level(0, ChildSpec.supervisor("bottom", bottom));
    var top = level(1, worker("t"), ChildSpec.supervisor("middle", middle));
    var probe = allReports();
    var root = kit().spawn(Supervisor.create(top), "top2");
    next(probe, 4);
    childOfPath(root, "middle", "bottom", "w").tell(new TestChild.Crash("boom"));
    assertEquals(List.of(
        "bottom: exited w:boom",
        "bottom: reached_max_restart_intensity",
        "bottom: supervisor_exited:shutdown",
        "middle: exited bottom:shutdown",
        "middle: reached_max_restart_intensity",
        "middle: supervisor_exited:shutdown",
        "top2: exited middle:shutdown",
        "bottom: started w",
        "middle: started bottom",
        "top2: started middle"), next(probe, 10));
    // t was never touched, and the rebuilt subtree works.
    childOfPath(root, "middle", "bottom", "w").tell(new TestChild.Ping(kit().createTestProbe(String.class).ref()));
    stop(root);
  }

  @Test
  void aLinkedSiblingDiesWithTheCrashReasonAndIsRestartedForIt() {
    var sup = start(oneForOne(worker("a"), worker("partner")));
    reports.expect("started a", "started partner");
    var a = child(sup, "a");
    var partner = child(sup, "partner");
    a.tell(new TestChild.LinkTo(partner));
    expectLog("start a", "start partner", "linked a");
    a.tell(new TestChild.Crash("together"));
    List<String> got = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      got.add(reports.next());
    }
    // Both exit with the crash's reason; each is restarted (the order of the two is a race).
    assertEquals(List.of("exited a:together", "exited partner:together", "started a",
        "started partner"), got.stream().sorted().toList());
    stop(sup);
  }

  @SuppressWarnings("unchecked")
  private ActorRef<TestChild.Msg> childOfPath(ActorRef<Supervisor.Command> root, String... ids) {
    ActorRef<Supervisor.Command> current = root;
    for (int i = 0; i < ids.length - 1; i++) {
      current = (ActorRef<Supervisor.Command>) childRef(current, ids[i]);
    }
    return (ActorRef<TestChild.Msg>) childRef(current, ids[ids.length - 1]);
  }

  private ActorRef<?> childRef(ActorRef<Supervisor.Command> sup, String id) {
    for (ChildInfo info : which(sup)) {
      if (info.id().equals(id) && info.child() != null) {
        return info.child();
      }
    }
    throw new AssertionError("no running " + id);
  }
}
