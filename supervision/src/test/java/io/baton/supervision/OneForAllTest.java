package io.baton.supervision;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** OTP one_for_all: one exit restarts every child, others stopped in reverse, all started in order. */
@Timeout(30)
class OneForAllTest extends SupervisorFixture {

  private SupervisorSpec oneForAll(ChildSpec... children) {
    return SupervisorSpec.oneForAll()
        .withIntensity(10, Duration.ofSeconds(60))
        .withTicker(ticker)
        .withChildren(List.of(children));
  }

  @Test
  void crashStopsTheOthersInReverseOrderThenStartsAllInOrder() {
    var sup = start(oneForAll(worker("a"), worker("b"), worker("c")));
    expectLog("start a", "start b", "start c");
    reports.expect("started a", "started b", "started c");
    child(sup, "b").tell(new TestChild.Crash("boom"));
    expectLog("stop b", "stop c", "stop a", "start a", "start b", "start c");
    reports.expect("exited b:boom", "stopped c:shutdown", "stopped a:shutdown",
        "started a", "started b", "started c");
    stop(sup);
  }

  @Test
  void temporarySiblingIsStoppedAndNotRestarted() {
    var sup = start(oneForAll(worker("a"), worker("b").withRestart(RestartType.TEMPORARY),
        worker("c")));
    reports.expect("started a", "started b", "started c");
    child(sup, "a").tell(new TestChild.Crash("boom"));
    reports.expect("exited a:boom", "stopped c:shutdown", "stopped b:shutdown",
        "started a", "started c");
    assertEquals(List.of("c", "a"), whichIds(sup));
    stop(sup);
  }

  @Test
  void siblingTerminatedEarlierIsStartedAgainByTheGroupRestart() {
    var sup = start(oneForAll(worker("a"), worker("b"), worker("c")));
    reports.expect("started a", "started b", "started c");
    assertEquals(SupervisorReply.OK, reply(sup, r -> new Supervisor.TerminateChild("c", r)));
    reports.expect("stopped c:shutdown");
    child(sup, "b").tell(new TestChild.Crash("boom"));
    reports.expect("exited b:boom", "stopped a:shutdown", "started a", "started b", "started c");
    stop(sup);
  }

  @Test
  void transientNormalExitAffectsNobody() {
    var sup = start(oneForAll(worker("a"), worker("b").withRestart(RestartType.TRANSIENT),
        worker("c")));
    reports.expect("started a", "started b", "started c");
    var a = child(sup, "a");
    child(sup, "b").tell(new TestChild.StopNormally());
    reports.expect("exited b:normal");
    reports.expectNone();
    assertEquals(List.of("c", "b:UNDEFINED", "a"), whichIds(sup));
    assertEquals(a, child(sup, "a"));
    stop(sup);
  }

  @Test
  void temporaryCrashAffectsNobody() {
    var sup = start(oneForAll(worker("a"), worker("b").withRestart(RestartType.TEMPORARY),
        worker("c")));
    reports.expect("started a", "started b", "started c");
    child(sup, "b").tell(new TestChild.Crash("boom"));
    reports.expect("exited b:boom");
    reports.expectNone();
    assertEquals(List.of("c", "a"), whichIds(sup));
    stop(sup);
  }

  @Test
  void partialRestartFailureRetriesTheWholeGroup() {
    FailingStarts bStart = new FailingStarts();
    var sup = start(oneForAll(worker("a"), worker("b", bStart), worker("c")));
    reports.expect("started a", "started b", "started c");
    bStart.failNext(1);
    child(sup, "a").tell(new TestChild.Crash("boom"));
    reports.expect("exited a:boom", "stopped c:shutdown", "stopped b:shutdown", "started a",
        "start_error b");
    reports.expect("stopped a:shutdown", "started a", "started b", "started c");
    assertEquals(List.of("c", "b", "a"), whichIds(sup));
    stop(sup);
  }

  @Test
  void anotherChildCrashingDuringTheGroupRestartIsAbsorbedByIt() {
    var sup = start(oneForAll(
        worker("a"),
        ChildSpec.worker("slow", () -> TestChild.trapping("slow", log.ref(),
            TestChild.OnShutdown.IGNORE)).withShutdown(Shutdown.infinity()),
        worker("c")));
    reports.expect("started a", "started slow", "started c");
    var a = child(sup, "a");
    var slow = child(sup, "slow");
    child(sup, "c").tell(new TestChild.Crash("first"));
    // The supervisor now waits for 'slow', which ignores its shutdown signal.
    reports.expect("exited c:first");
    a.tell(new TestChild.Crash("second"));
    reports.expect("exited a:second");
    // Let 'slow' go: it exits with shutdown when told to explicitly.
    slow.tell(new TestChild.ExitWith(io.baton.process.ExitReason.shutdown()));
    reports.expect("stopped slow:shutdown", "started a", "started slow", "started c");
    // The crash of a during the restart was absorbed by the group restart: one restart counted.
    reports.expectNone();
    var slowAgain = child(sup, "slow");
    TestProbe<SupervisorReply> stopped = kit.createTestProbe();
    sup.tell(new Supervisor.Stop(stopped.ref()));
    reports.expect("stopped c:shutdown");
    slowAgain.tell(new TestChild.ExitWith(io.baton.process.ExitReason.shutdown()));
    reports.expect("stopped slow:shutdown", "stopped a:shutdown", "supervisor_exited:normal");
    stopped.expectMessage(SupervisorReply.OK);
  }
}
