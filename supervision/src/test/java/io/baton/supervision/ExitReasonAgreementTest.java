package io.baton.supervision;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.baton.process.Down;
import io.baton.process.ExitReason;
import io.baton.process.ExitSignal;
import io.baton.process.Links;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A child's exit reason is one fact: its supervisor's reports, its links and its monitors all see
 * the same reason, the one OTP would give.
 */
@Timeout(30)
class ExitReasonAgreementTest extends SupervisorFixture {

  /** Asks a witness to monitor a target. */
  record Watch(ActorRef<?> target) {}

  /**
   * A process that traps exits and forwards every {@link ExitSignal} and {@link Down} it gets to
   * {@code seen}; on {@link Watch} it monitors the target.
   */
  static Behavior<Object> witness(ActorRef<Object> seen) {
    return Links.trappingExits(Behaviors.setup(ctx -> Behaviors.receiveMessage(m -> {
      if (m instanceof Watch watch) {
        Links.monitor(ctx, watch.target(), down -> down);
        seen.tell("watching");
      } else {
        seen.tell(m);
      }
      return Behaviors.same();
    })), signal -> signal);
  }

  private TestProbe<Object> seen;
  private ActorRef<Object> witness;

  private ActorRef<TestChild.Msg> linkedAndWatched(ActorRef<Supervisor.Command> sup, String id) {
    seen = kit().createTestProbe();
    witness = kit().spawn(witness(seen.ref()));
    ActorRef<TestChild.Msg> child = child(sup, id);
    child.tell(new TestChild.LinkTo(witness));
    expectLog("linked " + id);
    witness.tell(new Watch(child));
    seen.expectMessage("watching");
    return child;
  }

  private void expectSeen(ActorRef<?> child, ExitReason reason) {
    Object first = seen.receiveMessage(Duration.ofSeconds(10));
    Object second = seen.receiveMessage(Duration.ofSeconds(10));
    ExitSignal signal = first instanceof ExitSignal e ? e : (ExitSignal) second;
    Down down = first instanceof Down d ? d : (Down) second;
    assertEquals(new ExitSignal(child, reason), signal);
    assertEquals(child, down.target());
    assertEquals(reason, down.reason());
  }

  /**
   * Property (OTP gen_server terminate/2 for its parent's EXIT): a trapping child that stops while
   * handling its supervisor's shutdown signal exits with shutdown, for its links and monitors too.
   */
  @Test
  void aTrappingChildStoppingOnItsParentsShutdownSignalExitsWithThatReason() {
    var sup = start(oneForOne(trappingWorker("a", TestChild.OnShutdown.STOP)));
    expectLog("start a");
    var a = linkedAndWatched(sup, "a");
    assertEquals(SupervisorReply.OK, reply(sup, r -> new Supervisor.TerminateChild("a", r)));
    expectLog("exit a:shutdown", "stop a");
    reports.expect("started a", "stopped a:shutdown");
    expectSeen(a, ExitReason.shutdown());
    stop(sup);
  }

  /**
   * Property: a trapping child that stops while handling another process's exit signal (not its
   * parent's) exits normal, as a stop always does.
   */
  @Test
  void aTrappingChildStoppingOnAnotherProcesssSignalExitsNormal() {
    var sup = start(oneForOne(trappingWorker("a", TestChild.OnShutdown.STOP)
        .withRestart(RestartType.TRANSIENT)));
    expectLog("start a");
    var a = linkedAndWatched(sup, "a");
    Links.exit(kit().system().ignoreRef(), a, ExitReason.shutdown());
    expectLog("exit a:shutdown", "stop a");
    reports.expect("started a", "exited a:normal");
    expectSeen(a, ExitReason.normal());
    stop(sup);
  }

  /**
   * Property (OTP): a child exiting with reason kill is reported, linked and monitored as kill,
   * and its trapping link lives; only a kill signal received makes a process exit killed.
   */
  @Test
  void aChildExitingWithReasonKillIsSeenAsKillByReportsLinksAndMonitors() {
    var sup = start(oneForOne(worker("a").withRestart(RestartType.TEMPORARY)));
    expectLog("start a");
    var a = linkedAndWatched(sup, "a");
    a.tell(new TestChild.ExitWith(ExitReason.kill()));
    expectLog("stop a");
    reports.expect("started a", "exited a:kill");
    expectSeen(a, ExitReason.kill());
    stop(sup);
  }

  /**
   * Property: a child supervisor that gives up exits shutdown, and its monitors see shutdown (it
   * is a process twice over, as a supervisor and as a child: the inner layer must not hide the
   * reason from the outer one, which once made its monitors see normal).
   */
  @Test
  void aChildSupervisorThatGivesUpIsSeenByItsMonitorsExitingShutdown() {
    var inner = SupervisorSpec.oneForOne().withIntensity(0, Duration.ofSeconds(5))
        .withChildren(java.util.List.of(worker("x")));
    var sup = start(oneForOne(ChildSpec.supervisor("inner", inner)));
    expectLog("start x");
    ActorRef<Supervisor.Command> innerRef = which(sup).get(0).childAs(Supervisor.Command.class);
    seen = kit().createTestProbe();
    witness = kit().spawn(witness(seen.ref()));
    witness.tell(new Watch(innerRef));
    seen.expectMessage("watching");
    which(innerRef).get(0).childAs(TestChild.Msg.class).tell(new TestChild.Crash("boom"));
    Down down = seen.expectMessageClass(Down.class, Duration.ofSeconds(10));
    assertEquals(new Down(down.monitor(), innerRef, ExitReason.shutdown()), down);
    stop(sup);
  }

  /**
   * Property: a child whose behaviour is already a process (wrapped with Links.linkable) crashes
   * with its crash reason for its supervisor, its links and its monitors alike.
   */
  @Test
  void aChildThatIsAlreadyAProcessCrashesWithItsReasonForReportsLinksAndMonitors() {
    var sup = start(oneForOne(ChildSpec.worker("a",
        () -> Links.linkable(TestChild.create("a", log.ref()))).withRestart(RestartType.TEMPORARY)));
    expectLog("start a");
    var a = linkedAndWatched(sup, "a");
    a.tell(new TestChild.Crash("boom"));
    expectLog("stop a");
    reports.expect("started a", "exited a:boom");
    expectSeen(a, new ExitReason.Abnormal(IllegalStateException.class.getName(), "boom", null));
    stop(sup);
  }
}
