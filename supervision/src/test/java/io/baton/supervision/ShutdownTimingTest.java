package io.baton.supervision;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** OTP shutdown: brutal_kill, a timeout then kill, infinity; on manual time, never on sleeps. */
@Timeout(30)
class ShutdownTimingTest extends SupervisorFixture {

  static final ActorTestKit manualKit = ActorTestKit.create(ManualTime.config());
  static final ManualTime time = ManualTime.get(manualKit.system());

  @Override
  ActorTestKit kit() {
    return manualKit;
  }

  @AfterAll
  static void stopManualKit() {
    manualKit.shutdownTestKit();
  }

  private ChildSpec trapping(String id, TestChild.OnShutdown onShutdown, Shutdown shutdown) {
    return trappingWorker(id, onShutdown).withShutdown(shutdown);
  }

  private TestProbe<SupervisorReply> terminate(ActorRef<Supervisor.Command> sup, String id) {
    TestProbe<SupervisorReply> replies = kit().createTestProbe();
    sup.tell(new Supervisor.TerminateChild(id, replies.ref()));
    return replies;
  }

  @Test
  void aChildThatTrapsExitsGetsTheShutdownSignalAndStopsItself() {
    var sup = start(oneForOne(trapping("a", TestChild.OnShutdown.STOP,
        Shutdown.timeout(Duration.ofSeconds(1)))));
    expectLog("start a");
    terminate(sup, "a").expectMessage(SupervisorReply.OK);
    expectLog("exit a:shutdown", "stop a");
    reports.expect("started a", "stopped a:shutdown");
    stop(sup);
  }

  @Test
  void aChildThatIgnoresTheShutdownSignalIsKilledWhenItsTimeRunsOut() {
    var sup = start(oneForOne(trapping("a", TestChild.OnShutdown.IGNORE,
        Shutdown.timeout(Duration.ofSeconds(1)))));
    expectLog("start a");
    var replies = terminate(sup, "a");
    expectLog("exit a:shutdown");
    time.timePasses(Duration.ofMillis(999));
    replies.expectNoMessage(Duration.ofMillis(100));
    time.timePasses(Duration.ofMillis(1));
    replies.expectMessage(SupervisorReply.OK);
    expectLog("stop a");
    reports.expect("started a", "shutdown_error a:killed");
    stop(sup);
  }

  @Test
  void brutalKillStopsTheChildAtOnceWithoutASignal() {
    var sup = start(oneForOne(trapping("a", TestChild.OnShutdown.IGNORE, Shutdown.brutalKill())));
    expectLog("start a");
    terminate(sup, "a").expectMessage(SupervisorReply.OK);
    expectLog("stop a");
    reports.expect("started a", "stopped a:killed");
    stop(sup);
  }

  /**
   * Property (OTP): a child spec retyped as SUPERVISOR without an explicit shutdown is stopped
   * with infinity: it is not killed when a worker's 5 s would have run out.
   */
  @Test
  void aWorkerSpecRetypedAsSupervisorIsWaitedForWithoutTimeLimit() {
    expectWaitedForUntilItStops(trappingWorker("a", TestChild.OnShutdown.IGNORE)
        .withType(ChildType.SUPERVISOR), Duration.ofSeconds(6), new TestChild.StopNormally());
  }

  /**
   * Starts {@code spec} (a trapping child that ignores the shutdown signal) and terminates it:
   * after {@code passing} it is still waited for, and once told {@code stopIt} it is reported
   * stopped with shutdown.
   */
  private void expectWaitedForUntilItStops(ChildSpec spec, Duration passing,
      TestChild.Msg stopIt) {
    var sup = start(oneForOne(spec));
    expectLog("start a");
    var a = child(sup, "a");
    var replies = terminate(sup, "a");
    expectLog("exit a:shutdown");
    time.timePasses(passing);
    replies.expectNoMessage(Duration.ofMillis(100));
    a.tell(stopIt);
    replies.expectMessage(SupervisorReply.OK);
    reports.expect("started a", "stopped a:shutdown");
    stop(sup);
  }

  @Test
  void infinityWaitsForTheChildHoweverLongItTakes() {
    expectWaitedForUntilItStops(trapping("a", TestChild.OnShutdown.IGNORE, Shutdown.infinity()),
        Duration.ofHours(1), new TestChild.ExitWith(io.baton.process.ExitReason.shutdown()));
  }

  @Test
  void aChildExitingWithAnotherReasonWhileStoppedIsAShutdownError() {
    var sup = start(oneForOne(trapping("a", TestChild.OnShutdown.CRASH,
        Shutdown.timeout(Duration.ofSeconds(1)))));
    expectLog("start a");
    terminate(sup, "a").expectMessage(SupervisorReply.OK);
    reports.expect("started a", "shutdown_error a:crashed while stopping");
    assertEquals(List.of("a:UNDEFINED"), whichIds(sup));
    stop(sup);
  }

  @Test
  void theSupervisorWaitsForEachChildBeforeStoppingThePreviousOne() {
    var sup = start(oneForOne(worker("a"),
        trapping("b", TestChild.OnShutdown.IGNORE, Shutdown.timeout(Duration.ofSeconds(5))),
        worker("c")));
    expectLog("start a", "start b", "start c");
    TestProbe<SupervisorReply> stopped = kit().createTestProbe();
    sup.tell(new Supervisor.Stop(stopped.ref()));
    expectLog("stop c", "exit b:shutdown");
    // a is not stopped while b still has time left.
    log.expectNoMessage(Duration.ofMillis(100));
    time.timePasses(Duration.ofSeconds(5));
    expectLog("stop b", "stop a");
    stopped.expectMessage(SupervisorReply.OK);
  }

  @Test
  void dynamicChildrenAreStoppedTogetherUnderOneTimer() {
    var sup = start(SupervisorSpec.simpleOneForOne(
        ChildSpec.dynamicWorker("session", String.class,
                (String id) -> TestChild.trapping(id, log.ref(), TestChild.OnShutdown.IGNORE))
            .withShutdown(Shutdown.timeout(Duration.ofSeconds(2)))));
    for (String id : List.of("s1", "s2", "s3")) {
      reply(sup, r -> new Supervisor.StartDynamicChild(id, r));
    }
    expectLog("start s1", "start s2", "start s3");
    TestProbe<SupervisorReply> stopped = kit().createTestProbe();
    sup.tell(new Supervisor.Stop(stopped.ref()));
    // All three get the signal before any time passes: the stop is parallel.
    List<String> signalled = List.of(log.receiveMessage().text(), log.receiveMessage().text(),
        log.receiveMessage().text());
    assertEquals(3, signalled.stream().filter(s -> s.endsWith(":shutdown")).count());
    stopped.expectNoMessage(Duration.ofMillis(100));
    time.timePasses(Duration.ofSeconds(2));
    stopped.expectMessage(SupervisorReply.OK);
  }
}
