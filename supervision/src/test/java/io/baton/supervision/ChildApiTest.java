package io.baton.supervision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.baton.process.ExitReason;
import java.util.List;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** OTP's start_child, terminate_child, restart_child, delete_child, which_children, count_children. */
@Timeout(30)
class ChildApiTest extends SupervisorFixture {

  @Test
  void startChildAppendsTheChildWhichIsThenStoppedFirst() {
    var sup = start(oneForOne(worker("a"), worker("b")));
    reports.expect("started a", "started b");
    var reply = reply(sup, r -> new Supervisor.StartChild(worker("x"), r));
    assertInstanceOf(SupervisorReply.Started.class, reply);
    reports.expect("started x");
    assertEquals(List.of("x", "b", "a"), whichIds(sup));
    stop(sup);
    reports.expect("stopped x:shutdown", "stopped b:shutdown", "stopped a:shutdown",
        "supervisor_exited:normal");
  }

  @Test
  void startChildWithTheIdOfARunningChildAnswersAlreadyStarted() {
    var sup = start(oneForOne(worker("a")));
    reports.expect("started a");
    var a = child(sup, "a");
    assertEquals(new SupervisorReply.AlreadyStarted(a),
        reply(sup, r -> new Supervisor.StartChild(worker("a"), r)));
    stop(sup);
  }

  @Test
  void startChildWithTheIdOfAStoppedChildAnswersAlreadyPresent() {
    var sup = start(oneForOne(worker("a")));
    reports.expect("started a");
    assertEquals(SupervisorReply.OK, reply(sup, r -> new Supervisor.TerminateChild("a", r)));
    assertEquals(new SupervisorReply.AlreadyPresent(),
        reply(sup, r -> new Supervisor.StartChild(worker("a"), r)));
    stop(sup);
  }

  @Test
  void startChildWhoseStartFailsAnswersTheReasonAndKeepsNothing() {
    var sup = start(oneForOne(worker("a")));
    reports.expect("started a");
    var reply = reply(sup, r -> new Supervisor.StartChild(
        worker("x", () -> TestChild.StartMode.FAIL), r));
    var failed = assertInstanceOf(SupervisorReply.StartFailed.class, reply);
    assertEquals("start of x failed", ((ExitReason.Abnormal) failed.reason()).message());
    reports.expect("start_error x");
    assertEquals(List.of("a"), whichIds(sup));
    stop(sup);
  }

  @Test
  void startChildWhoseStartIsIgnoredKeepsTheSpecUnlessTemporary() {
    var sup = start(oneForOne(worker("a")));
    reports.expect("started a");
    assertEquals(new SupervisorReply.Ignored(), reply(sup, r -> new Supervisor.StartChild(
        worker("x", () -> TestChild.StartMode.IGNORE), r)));
    assertEquals(new SupervisorReply.Ignored(), reply(sup, r -> new Supervisor.StartChild(
        worker("t", () -> TestChild.StartMode.IGNORE).withRestart(RestartType.TEMPORARY), r)));
    assertEquals(List.of("x:UNDEFINED", "a"), whichIds(sup));
    assertEquals(new ChildCounts(2, 1, 0, 2), count(sup));
    stop(sup);
  }

  @Test
  void startChildWithASignificantChildUnderAutoShutdownNeverIsRefused() {
    var sup = start(oneForOne(worker("a")));
    reports.expect("started a");
    var reply = reply(sup, r -> new Supervisor.StartChild(
        worker("s").withRestart(RestartType.TRANSIENT).withSignificant(true), r));
    var failed = assertInstanceOf(SupervisorReply.StartFailed.class, reply);
    assertEquals(true, failed.reason().toString().contains("autoShutdown is NEVER"));
    stop(sup);
  }

  @Test
  void terminateChildStopsItKeepsTheSpecAndCountsNoRestart() {
    var sup = start(SupervisorSpec.oneForOne().withIntensity(0, java.time.Duration.ofSeconds(5))
        .withChildren(List.of(worker("a"), worker("b"))));
    reports.expect("started a", "started b");
    assertEquals(SupervisorReply.OK, reply(sup, r -> new Supervisor.TerminateChild("a", r)));
    reports.expect("stopped a:shutdown");
    assertEquals(List.of("b", "a:UNDEFINED"), whichIds(sup));
    assertEquals(new ChildCounts(2, 1, 0, 2), count(sup));
    // A second terminate is fine, and intensity 0 was not tripped.
    assertEquals(SupervisorReply.OK, reply(sup, r -> new Supervisor.TerminateChild("a", r)));
    reports.expectNone();
    stop(sup);
  }

  @Test
  void terminateChildOfAnUnknownIdAnswersNotFound() {
    var sup = start(oneForOne(worker("a")));
    reports.expect("started a");
    assertEquals(new SupervisorReply.NotFound(),
        reply(sup, r -> new Supervisor.TerminateChild("nope", r)));
    assertEquals(new SupervisorReply.NotFound(),
        reply(sup, r -> new Supervisor.TerminateDynamicChild(child(sup, "a"), r)));
    stop(sup);
  }

  @Test
  void terminateChildOfATemporaryChildDeletesItsSpec() {
    var sup = start(oneForOne(worker("a").withRestart(RestartType.TEMPORARY)));
    reports.expect("started a");
    assertEquals(SupervisorReply.OK, reply(sup, r -> new Supervisor.TerminateChild("a", r)));
    assertEquals(new SupervisorReply.NotFound(),
        reply(sup, r -> new Supervisor.RestartChild("a", r)));
    assertEquals(new SupervisorReply.NotFound(),
        reply(sup, r -> new Supervisor.DeleteChild("a", r)));
    assertEquals(List.of(), whichIds(sup));
    stop(sup);
  }

  @Test
  void restartChildAnswersRunningNotFoundOrStartsAStoppedChild() {
    var sup = start(oneForOne(worker("a"), worker("b")));
    reports.expect("started a", "started b");
    assertEquals(new SupervisorReply.Running(), reply(sup, r -> new Supervisor.RestartChild("a", r)));
    assertEquals(new SupervisorReply.NotFound(), reply(sup, r -> new Supervisor.RestartChild("x", r)));
    reply(sup, r -> new Supervisor.TerminateChild("a", r));
    reports.expect("stopped a:shutdown");
    assertInstanceOf(SupervisorReply.Started.class,
        reply(sup, r -> new Supervisor.RestartChild("a", r)));
    reports.expect("started a");
    assertEquals(List.of("b", "a"), whichIds(sup));
    stop(sup);
  }

  @Test
  void restartChildWhoseStartFailsAnswersTheReasonAndLeavesItStopped() {
    FailingStarts starts = new FailingStarts();
    var sup = start(oneForOne(worker("a", starts)));
    reports.expect("started a");
    reply(sup, r -> new Supervisor.TerminateChild("a", r));
    starts.failNext(1);
    assertInstanceOf(SupervisorReply.StartFailed.class,
        reply(sup, r -> new Supervisor.RestartChild("a", r)));
    assertEquals(List.of("a:UNDEFINED"), whichIds(sup));
    stop(sup);
  }

  @Test
  void deleteChildRemovesOnlyAStoppedChild() {
    var sup = start(oneForOne(worker("a"), worker("b")));
    reports.expect("started a", "started b");
    assertEquals(new SupervisorReply.Running(), reply(sup, r -> new Supervisor.DeleteChild("a", r)));
    assertEquals(new SupervisorReply.NotFound(), reply(sup, r -> new Supervisor.DeleteChild("x", r)));
    reply(sup, r -> new Supervisor.TerminateChild("a", r));
    assertEquals(SupervisorReply.OK, reply(sup, r -> new Supervisor.DeleteChild("a", r)));
    assertEquals(List.of("b"), whichIds(sup));
    assertEquals(new SupervisorReply.NotFound(), reply(sup, r -> new Supervisor.RestartChild("a", r)));
    stop(sup);
  }

  @Test
  void countChildrenCountsTypesWhetherRunningOrNot() {
    var sup = start(oneForOne(worker("a"),
        ChildSpec.supervisor("s", SupervisorSpec.oneForOne())));
    reports.expect("started a", "started s");
    reply(sup, r -> new Supervisor.TerminateChild("s", r));
    assertEquals(new ChildCounts(2, 1, 1, 1), count(sup));
    assertEquals(ChildType.SUPERVISOR, which(sup).get(0).type());
    stop(sup);
  }

  @Test
  void aMessageTheSupervisorDoesNotAcceptIsIgnoredAndItKeepsWorking() {
    var sup = start(oneForOne(worker("a")));
    reports.expect("started a");
    sup.tell(new Supervisor.Command() {});
    assertEquals(List.of("a"), whichIds(sup));
    stop(sup);
  }

  @Test
  void aChildWhoseSetupStopsAtOnceIsIgnoredLikeOtpInitReturningIgnore() {
    var sup = start(oneForOne(ChildSpec.worker("quiet", Behaviors::stopped), worker("b")));
    reports.expect("started b");
    assertEquals(List.of("b", "quiet:UNDEFINED"), whichIds(sup));
    assertEquals(new ChildCounts(2, 1, 0, 2), count(sup));
    stop(sup);
  }

  /** Property (OTP get_childspec/2): the spec by id or by child ref, or not_found. */
  @Test
  void getChildSpecAnswersTheSpecByIdOrByChildRefAndNotFoundOtherwise() {
    ChildSpec a = worker("a");
    ChildSpec b = worker("b").withRestart(RestartType.TRANSIENT);
    var sup = start(oneForOne(a, b));
    reports.expect("started a", "started b");
    assertEquals(new SupervisorReply.Spec(b), reply(sup, r -> new Supervisor.GetChildSpec("b", r)));
    var refOfA = child(sup, "a");
    assertEquals(new SupervisorReply.Spec(a),
        reply(sup, r -> new Supervisor.GetChildSpecOf(refOfA, r)));
    assertEquals(new SupervisorReply.NotFound(),
        reply(sup, r -> new Supervisor.GetChildSpec("zz", r)));
    assertEquals(new SupervisorReply.NotFound(),
        reply(sup, r -> new Supervisor.GetChildSpecOf(sup, r)));
    assertEquals(SupervisorReply.OK, reply(sup, r -> new Supervisor.TerminateChild("b", r)));
    assertEquals(new SupervisorReply.Spec(b), reply(sup, r -> new Supervisor.GetChildSpec("b", r)),
        "a stopped child's spec is kept and answered");
    stop(sup);
  }
}
