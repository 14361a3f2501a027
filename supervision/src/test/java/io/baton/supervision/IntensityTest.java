package io.baton.supervision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** OTP restart intensity: more than N restarts within T and the supervisor gives up. */
@Timeout(30)
class IntensityTest extends SupervisorFixture {

  private SupervisorSpec spec(int intensity, Duration period, ChildSpec... children) {
    return SupervisorSpec.oneForOne()
        .withIntensity(intensity, period)
        .withTicker(ticker)
        .withChildren(List.of(children));
  }

  private void crash(ActorRef<Supervisor.Command> sup, String id) {
    child(sup, id).tell(new TestChild.Crash("crash"));
  }

  @Test
  void defaultIntensityAllowsOneRestartInFiveSeconds() {
    SupervisorSpec defaults = SupervisorSpec.oneForOne();
    assertEquals(1, defaults.intensity());
    assertEquals(Duration.ofSeconds(5), defaults.period());
    var sup = start(defaults.withTicker(ticker)
        .withChildren(List.of(worker("a"), worker("b"), worker("c"))));
    reports.expect("started a", "started b", "started c");
    crash(sup, "b");
    reports.expect("exited b:crash", "started b");
    ticker.advance(Duration.ofSeconds(4));
    crash(sup, "b");
    reports.expect("exited b:crash", "reached_max_restart_intensity", "stopped c:shutdown",
        "stopped a:shutdown", "supervisor_exited:shutdown");
    expectTerminated(sup);
  }

  @Test
  void intensityZeroGivesUpOnTheFirstRestart() {
    var sup = start(spec(0, Duration.ofSeconds(1), worker("a"), worker("b")));
    reports.expect("started a", "started b");
    crash(sup, "a");
    reports.expect("exited a:crash", "reached_max_restart_intensity", "stopped b:shutdown",
        "supervisor_exited:shutdown");
    expectTerminated(sup);
  }

  @Test
  void intensityZeroIsNotTrippedByATransientNormalExit() {
    var sup = start(spec(0, Duration.ofSeconds(1),
        worker("a").withRestart(RestartType.TRANSIENT), worker("b")));
    reports.expect("started a", "started b");
    child(sup, "a").tell(new TestChild.StopNormally());
    reports.expect("exited a:normal");
    reports.expectNone();
    assertEquals(List.of("b", "a:UNDEFINED"), whichIds(sup));
    stop(sup);
  }

  @Test
  void intensityNAllowsNRestartsAndGivesUpAtNPlusOne() {
    var sup = start(spec(3, Duration.ofSeconds(10), worker("a")));
    reports.expect("started a");
    for (int i = 0; i < 3; i++) {
      ticker.advance(Duration.ofSeconds(3));
      crash(sup, "a");
      reports.expect("exited a:crash", "started a");
    }
    crash(sup, "a");
    reports.expect("exited a:crash", "reached_max_restart_intensity",
        "supervisor_exited:shutdown");
    expectTerminated(sup);
  }

  @Test
  void restartsOlderThanThePeriodNoLongerCount() {
    var sup = start(spec(1, Duration.ofSeconds(1), worker("a")));
    reports.expect("started a");
    for (int i = 0; i < 5; i++) {
      crash(sup, "a");
      reports.expect("exited a:crash", "started a");
      ticker.advance(Duration.ofMillis(1001));
    }
    stop(sup);
  }

  @Test
  void aRestartExactlyOnePeriodAgoStillCounts() {
    var sup = start(spec(1, Duration.ofSeconds(1), worker("a")));
    reports.expect("started a");
    crash(sup, "a");
    reports.expect("exited a:crash", "started a");
    ticker.advance(Duration.ofSeconds(1));
    crash(sup, "a");
    reports.expect("exited a:crash", "reached_max_restart_intensity",
        "supervisor_exited:shutdown");
    expectTerminated(sup);
  }

  @Test
  void everyFailedRestartAttemptCountsUntilTheIntensityIsSpent() {
    FailingStarts starts = new FailingStarts();
    var sup = start(spec(4, Duration.ofSeconds(3600), worker("a"), worker("b", starts),
        worker("c")));
    reports.expect("started a", "started b", "started c");
    starts.failNext(100);
    crash(sup, "b");
    reports.expect("exited b:crash", "start_error b", "start_error b", "start_error b",
        "start_error b", "reached_max_restart_intensity", "stopped c:shutdown",
        "stopped a:shutdown", "supervisor_exited:shutdown");
    expectTerminated(sup);
  }

  @Test
  void restartingChildAnswersRestartingAndTerminateChildCancelsTheRetry() throws Exception {
    CountDownLatch restartBegan = new CountDownLatch(1);
    CountDownLatch releaseRestart = new CountDownLatch(1);
    AtomicInteger starts = new AtomicInteger();
    // Under a root supervisor, so that the commands below go straight to its mailbox: a root
    // supervisor's ref forwards to its tree, one hop that would race with the blocked restart.
    var root = start(oneForOne(ChildSpec.supervisor("under-test",
        spec(5, Duration.ofSeconds(3600), worker("a", () -> {
          if (starts.incrementAndGet() == 1) {
            return TestChild.StartMode.OK;
          }
          restartBegan.countDown();
          awaitQuietly(releaseRestart);
          return TestChild.StartMode.FAIL;
        }), worker("z")))));
    reports.of(null).expect("started a", "started z", "started under-test");
    ActorRef<Supervisor.Command> sup = which(root).get(0).childAs(Supervisor.Command.class);
    reports.of(sup);
    crash(sup, "a");
    assertTrue(restartBegan.await(10, TimeUnit.SECONDS));
    // The supervisor is waiting for a's restart: these commands wait, in order, behind it.
    TestProbe<Object> answers = kit.createTestProbe();
    sup.tell(new Supervisor.WhichChildren(answers.ref().narrow()));
    sup.tell(new Supervisor.RestartChild("a", answers.ref().narrow()));
    sup.tell(new Supervisor.DeleteChild("a", answers.ref().narrow()));
    sup.tell(new Supervisor.StartChild(worker("a"), answers.ref().narrow()));
    sup.tell(new Supervisor.TerminateChild("a", answers.ref().narrow()));
    sup.tell(new Supervisor.CountChildren(answers.ref().narrow()));
    releaseRestart.countDown();
    List<?> which = (List<?>) answers.receiveMessage();
    assertEquals(ChildInfo.Status.RESTARTING, ((ChildInfo) which.get(1)).status());
    assertEquals(new SupervisorReply.Restarting(), answers.receiveMessage());
    assertEquals(new SupervisorReply.Restarting(), answers.receiveMessage());
    assertEquals(new SupervisorReply.AlreadyPresent(), answers.receiveMessage());
    assertEquals(SupervisorReply.OK, answers.receiveMessage());
    assertEquals(new ChildCounts(2, 1, 0, 2), answers.receiveMessage());
    reports.expect("exited a:crash", "start_error a");
    // The queued retry finds a no longer restarting and does nothing.
    reports.expectNone();
    assertEquals(2, starts.get());
    assertEquals(List.of("z", "a:UNDEFINED"), whichIds(sup));
    stop(root);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
