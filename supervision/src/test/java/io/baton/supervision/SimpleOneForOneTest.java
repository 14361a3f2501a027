package io.baton.supervision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** OTP simple_one_for_one: dynamic children of one template, each restarted on its own. */
@Timeout(30)
class SimpleOneForOneTest extends SupervisorFixture {

  private SupervisorSpec sessions(RestartType restart) {
    return SupervisorSpec.simpleOneForOne(
            ChildSpec.dynamicWorker("session", String.class,
                    (String name) -> TestChild.create(name, log.ref()))
                .withRestart(restart))
        .withIntensity(10, Duration.ofSeconds(60))
        .withTicker(ticker);
  }

  @SuppressWarnings("unchecked")
  private ActorRef<TestChild.Msg> startSession(ActorRef<Supervisor.Command> sup, String name) {
    var reply = reply(sup, r -> new Supervisor.StartDynamicChild(name, r));
    return (ActorRef<TestChild.Msg>) assertInstanceOf(SupervisorReply.Started.class, reply).child();
  }

  @Test
  void startsNothingAtFirstAndEachStartChildAddsAnInstanceFromTheArgument() {
    var sup = start(sessions(RestartType.PERMANENT));
    assertEquals(new ChildCounts(1, 0, 0, 0), count(sup));
    assertEquals(List.of(), which(sup));
    startSession(sup, "s1");
    startSession(sup, "s2");
    expectLog("start s1", "start s2");
    assertEquals(new ChildCounts(1, 2, 0, 2), count(sup));
    stop(sup);
  }

  @Test
  void aCrashedInstanceIsRestartedWithTheSameArgument() {
    var sup = start(sessions(RestartType.PERMANENT));
    var s1 = startSession(sup, "s1");
    startSession(sup, "s2");
    expectLog("start s1", "start s2");
    s1.tell(new TestChild.Crash("boom"));
    expectLog("stop s1", "start s1");
    assertEquals(new ChildCounts(1, 2, 0, 2), count(sup));
    assertNotEquals(s1, which(sup).get(1).child());
    stop(sup);
  }

  @Test
  void terminateByRefStopsAndRemovesTheInstance() {
    var sup = start(sessions(RestartType.PERMANENT));
    var s1 = startSession(sup, "s1");
    expectLog("start s1");
    assertEquals(SupervisorReply.OK, reply(sup, r -> new Supervisor.TerminateDynamicChild(s1, r)));
    expectLog("stop s1");
    assertEquals(new ChildCounts(1, 0, 0, 0), count(sup));
    assertEquals(new SupervisorReply.NotFound(),
        reply(sup, r -> new Supervisor.TerminateDynamicChild(s1, r)));
    stop(sup);
  }

  @Test
  void idBasedCommandsAnswerSimpleOneForOne() {
    var sup = start(sessions(RestartType.PERMANENT));
    assertEquals(new SupervisorReply.SimpleOneForOne(),
        reply(sup, r -> new Supervisor.TerminateChild("session", r)));
    assertEquals(new SupervisorReply.SimpleOneForOne(),
        reply(sup, r -> new Supervisor.RestartChild("session", r)));
    assertEquals(new SupervisorReply.SimpleOneForOne(),
        reply(sup, r -> new Supervisor.DeleteChild("session", r)));
    stop(sup);
  }

  @Test
  void anArgumentOfTheWrongTypeIsRefusedWithTheExpectedType() {
    var sup = start(sessions(RestartType.PERMANENT));
    var reply = reply(sup, r -> new Supervisor.StartDynamicChild(42, r));
    var failed = assertInstanceOf(SupervisorReply.StartFailed.class, reply);
    assertEquals(true, failed.reason().toString().contains("java.lang.String"));
    stop(sup);
  }

  @Test
  void transientInstanceEndingNormallyIsRemoved() {
    var sup = start(sessions(RestartType.TRANSIENT));
    var s1 = startSession(sup, "s1");
    expectLog("start s1");
    s1.tell(new TestChild.StopNormally());
    expectLog("stop s1");
    reports.expect("started session", "exited session:normal");
    assertEquals(new ChildCounts(1, 0, 0, 0), count(sup));
    stop(sup);
  }

  @Test
  void instancesAreStoppedTogetherWhenTheSupervisorStops() {
    var sup = start(sessions(RestartType.PERMANENT));
    startSession(sup, "s1");
    startSession(sup, "s2");
    startSession(sup, "s3");
    reports.expect("started session", "started session", "started session");
    stop(sup);
    reports.expect("stopped session:shutdown", "stopped session:shutdown",
        "stopped session:shutdown", "supervisor_exited:normal");
  }

  /** Property (OTP get_childspec/2): a dynamic child's ref and the template's id answer the template. */
  @Test
  void getChildSpecOfADynamicChildAnswersItsTemplate() {
    SupervisorSpec spec = sessions(RestartType.TEMPORARY);
    var sup = start(spec);
    var s1 = startSession(sup, "s1");
    var template = new SupervisorReply.Spec(spec.children().get(0));
    assertEquals(template, reply(sup, r -> new Supervisor.GetChildSpecOf(s1, r)));
    assertEquals(template, reply(sup, r -> new Supervisor.GetChildSpec("session", r)));
    assertEquals(new SupervisorReply.NotFound(),
        reply(sup, r -> new Supervisor.GetChildSpecOf(sup, r)));
    stop(sup);
  }
}
