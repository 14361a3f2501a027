package io.baton.supervision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.baton.process.ExitReason;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** OTP one_for_one: only the child that exited is restarted, in its place. */
@Timeout(30)
class OneForOneTest extends SupervisorFixture {

  @Test
  void childrenStartInSpecOrderAndAreListedMostRecentFirst() {
    var sup = start(oneForOne(worker("a"), worker("b"), worker("c")));
    expectLog("start a", "start b", "start c");
    reports.expect("started a", "started b", "started c");
    assertEquals(List.of("c", "b", "a"), whichIds(sup));
    assertEquals(new ChildCounts(3, 3, 0, 3), count(sup));
    stop(sup);
  }

  @Test
  void crashedChildAloneIsRestartedInPlace() {
    var sup = start(oneForOne(worker("a"), worker("b"), worker("c")));
    expectLog("start a", "start b", "start c");
    reports.expect("started a", "started b", "started c");
    var a = child(sup, "a");
    var b = child(sup, "b");
    b.tell(new TestChild.Crash("boom"));
    expectLog("stop b", "start b");
    reports.expect("exited b:boom", "started b");
    assertEquals(a, child(sup, "a"));
    assertNotEquals(b, child(sup, "b"));
    assertEquals(List.of("c", "b", "a"), whichIds(sup));
    stop(sup);
  }

  @Test
  void permanentChildIsRestartedAfterNormalAndShutdownExits() {
    var sup = start(oneForOne(worker("a")));
    reports.expect("started a");
    child(sup, "a").tell(new TestChild.StopNormally());
    reports.expect("exited a:normal", "started a");
    child(sup, "a").tell(new TestChild.ExitWith(ExitReason.shutdown()));
    reports.expect("exited a:shutdown", "started a");
    child(sup, "a").tell(new TestChild.ExitWith(ExitReason.shutdown("x")));
    reports.expect("exited a:{shutdown,x}", "started a");
    stop(sup);
  }

  @Test
  void transientChildIsNotRestartedAfterNormalOrShutdownExit() {
    var sup = start(oneForOne(worker("a").withRestart(RestartType.TRANSIENT)));
    reports.expect("started a");
    child(sup, "a").tell(new TestChild.StopNormally());
    reports.expect("exited a:normal");
    assertEquals(List.of("a:UNDEFINED"), whichIds(sup));
    assertEquals(new ChildCounts(1, 0, 0, 1), count(sup));
    assertEquals(SupervisorReply.Started.class,
        reply(sup, r -> new Supervisor.RestartChild("a", r)).getClass());
    reports.expect("started a");
    child(sup, "a").tell(new TestChild.ExitWith(ExitReason.shutdown("done")));
    reports.expect("exited a:{shutdown,done}");
    reports.expectNone();
    assertEquals(List.of("a:UNDEFINED"), whichIds(sup));
    stop(sup);
  }

  @Test
  void transientChildIsRestartedAfterAbnormalExitIncludingKilled() {
    var sup = start(oneForOne(worker("a").withRestart(RestartType.TRANSIENT)));
    reports.expect("started a");
    child(sup, "a").tell(new TestChild.Crash("bad"));
    reports.expect("exited a:bad", "started a");
    io.baton.process.Links.exit(kit.system().ignoreRef(), child(sup, "a"), ExitReason.kill());
    reports.expect("exited a:killed", "started a");
    stop(sup);
  }

  @Test
  void temporaryChildIsRemovedOnAnyExit() {
    var sup = start(oneForOne(worker("a").withRestart(RestartType.TEMPORARY),
        worker("b").withRestart(RestartType.TEMPORARY)));
    reports.expect("started a", "started b");
    child(sup, "a").tell(new TestChild.StopNormally());
    reports.expect("exited a:normal");
    child(sup, "b").tell(new TestChild.Crash("bad"));
    reports.expect("exited b:bad");
    reports.expectNone();
    assertEquals(List.of(), whichIds(sup));
    assertEquals(new ChildCounts(0, 0, 0, 0), count(sup));
    stop(sup);
  }

  @Test
  void restartedChildKeepsItsPlaceInTheShutdownOrder() {
    var sup = start(oneForOne(worker("a"), worker("b"), worker("c")));
    reports.expect("started a", "started b", "started c");
    child(sup, "b").tell(new TestChild.Crash("boom"));
    reports.expect("exited b:boom", "started b");
    stop(sup);
    reports.expect("stopped c:shutdown", "stopped b:shutdown", "stopped a:shutdown",
        "supervisor_exited:normal");
  }
}
