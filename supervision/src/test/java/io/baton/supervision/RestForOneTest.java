package io.baton.supervision;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** OTP rest_for_one: the exited child and those started after it restart together. */
@Timeout(30)
class RestForOneTest extends SupervisorFixture {

  private SupervisorSpec restForOne(ChildSpec... children) {
    return SupervisorSpec.restForOne()
        .withIntensity(10, Duration.ofSeconds(60))
        .withTicker(ticker)
        .withChildren(List.of(children));
  }

  @Test
  void crashRestartsItAndTheLaterChildrenOnly() {
    var sup = start(restForOne(worker("a"), worker("b"), worker("c"), worker("d")));
    reports.expect("started a", "started b", "started c", "started d");
    var a = child(sup, "a");
    child(sup, "b").tell(new TestChild.Crash("boom"));
    reports.expect("exited b:boom", "stopped d:shutdown", "stopped c:shutdown",
        "started b", "started c", "started d");
    assertEquals(a, child(sup, "a"));
    stop(sup);
  }

  @Test
  void crashOfTheLastChildRestartsOnlyIt() {
    var sup = start(restForOne(worker("a"), worker("b"), worker("c"), worker("d")));
    reports.expect("started a", "started b", "started c", "started d");
    child(sup, "d").tell(new TestChild.Crash("boom"));
    reports.expect("exited d:boom", "started d");
    reports.expectNone();
    stop(sup);
  }

  @Test
  void temporaryLaterSiblingIsStoppedAndRemoved() {
    var sup = start(restForOne(worker("a"), worker("b"),
        worker("c").withRestart(RestartType.TEMPORARY), worker("d")));
    reports.expect("started a", "started b", "started c", "started d");
    child(sup, "b").tell(new TestChild.Crash("boom"));
    reports.expect("exited b:boom", "stopped d:shutdown", "stopped c:shutdown",
        "started b", "started d");
    assertEquals(List.of("d", "b", "a"), whichIds(sup));
    stop(sup);
  }

  @Test
  void laterSiblingTerminatedEarlierIsStartedAgainButNotAnEarlierOne() {
    var sup = start(restForOne(worker("a"), worker("b"), worker("c"), worker("d")));
    reports.expect("started a", "started b", "started c", "started d");
    assertEquals(SupervisorReply.OK, reply(sup, r -> new Supervisor.TerminateChild("a", r)));
    assertEquals(SupervisorReply.OK, reply(sup, r -> new Supervisor.TerminateChild("d", r)));
    reports.expect("stopped a:shutdown", "stopped d:shutdown");
    child(sup, "b").tell(new TestChild.Crash("boom"));
    reports.expect("exited b:boom", "stopped c:shutdown", "started b", "started c", "started d");
    assertEquals(List.of("d", "c", "b", "a:UNDEFINED"), whichIds(sup));
    stop(sup);
  }

  @Test
  void partialFailureRetriesFromTheFailedChildWithoutStoppingEarlierOnes() {
    FailingStarts cStart = new FailingStarts();
    var sup = start(restForOne(worker("a"), worker("b"), worker("c", cStart), worker("d")));
    reports.expect("started a", "started b", "started c", "started d");
    cStart.failNext(1);
    child(sup, "b").tell(new TestChild.Crash("boom"));
    reports.expect("exited b:boom", "stopped d:shutdown", "stopped c:shutdown", "started b",
        "start_error c");
    reports.expect("started c", "started d");
    assertEquals(List.of("d", "c", "b", "a"), whichIds(sup));
    stop(sup);
  }
}
