package io.baton.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Erlang's links, exit signals and trap_exit, between processes on one node. */
@Timeout(30)
class LinksTest {

  static final ActorTestKit kit = ActorTestKit.create();

  TestProbe<Object> events;
  /** Watches how processes exit, by monitoring them. */
  ActorRef<TestProcess.Msg> observer;
  TestProbe<Object> observed;

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    events = kit.createTestProbe();
    observed = kit.createTestProbe();
    observer = kit.spawn(TestProcess.create(observed.ref()));
  }

  private ActorRef<TestProcess.Msg> process() {
    return kit.spawn(TestProcess.create(events.ref()));
  }

  private void observe(ActorRef<?> target) {
    observer.tell(new TestProcess.Monitor(target, target.path().name()));
    observed.expectMessage("monitoring");
  }

  private ExitReason exitReasonOf(ActorRef<?> target) {
    Down down = observed.expectMessageClass(Down.class, Duration.ofSeconds(10));
    assertEquals(target, down.target());
    return down.reason();
  }

  private void link(ActorRef<TestProcess.Msg> a, ActorRef<?> b) {
    a.tell(new TestProcess.Link(b));
    events.expectMessage("linked");
  }

  @Test
  void anAbnormalExitKillsTheLinkedProcessWithTheSameReason() {
    var a = process();
    var b = process();
    observe(b);
    link(a, b);
    a.tell(new TestProcess.Crash("boom"));
    ExitReason reason = exitReasonOf(b);
    assertEquals("boom", ((ExitReason.Abnormal) reason).message());
  }

  @Test
  void aNormalExitDoesNotPropagate() {
    var a = process();
    var b = process();
    link(a, b);
    a.tell(new TestProcess.Stop());
    kit.createTestProbe().expectTerminated(a);
    b.tell(new TestProcess.Echo("alive"));
    events.expectMessage("alive");
  }

  @Test
  void aTrappingProcessReceivesTheExitAsAMessageAndLives() {
    var a = process();
    var b = process();
    b.tell(new TestProcess.Trap(true));
    events.expectMessage("trap true");
    link(a, b);
    a.tell(new TestProcess.Crash("boom"));
    ExitSignal signal = events.expectMessageClass(ExitSignal.class);
    assertEquals(a, signal.from());
    assertEquals("boom", ((ExitReason.Abnormal) signal.reason()).message());
    b.tell(new TestProcess.Echo("alive"));
    events.expectMessage("alive");
  }

  @Test
  void aTrappingProcessAlsoSeesNormalExitsOfLinkedProcesses() {
    var a = process();
    var b = process();
    b.tell(new TestProcess.Trap(true));
    events.expectMessage("trap true");
    link(a, b);
    a.tell(new TestProcess.Stop());
    assertEquals(new ExitSignal(a, ExitReason.normal()), events.expectMessageClass(ExitSignal.class));
  }

  @Test
  void linksAreBidirectional() {
    var a = process();
    var b = process();
    observe(a);
    link(a, b);
    b.tell(new TestProcess.Crash("from b"));
    assertEquals("from b", ((ExitReason.Abnormal) exitReasonOf(a)).message());
  }

  @Test
  void exitsPropagateAlongAChainOfLinks() {
    var a = process();
    var b = process();
    var c = process();
    observe(c);
    link(a, b);
    link(b, c);
    a.tell(new TestProcess.Crash("chain"));
    assertEquals("chain", ((ExitReason.Abnormal) exitReasonOf(c)).message());
  }

  @Test
  void killCannotBeTrappedAndTheTargetExitsKilled() {
    var a = process();
    observe(a);
    a.tell(new TestProcess.Trap(true));
    events.expectMessage("trap true");
    Links.exit(kit.system().ignoreRef(), a, ExitReason.kill());
    assertEquals(ExitReason.killed(), exitReasonOf(a));
  }

  @Test
  void linkedProcessesOfAKilledProcessReceiveKilledWhichIsTrappable() {
    var a = process();
    var b = process();
    b.tell(new TestProcess.Trap(true));
    events.expectMessage("trap true");
    link(a, b);
    Links.exit(kit.system().ignoreRef(), a, ExitReason.kill());
    assertEquals(new ExitSignal(a, ExitReason.killed()), events.expectMessageClass(ExitSignal.class));
  }

  /**
   * Property (OTP): a process that exits with reason kill is seen as kill, not killed, by its
   * monitors and links; over a link kill is trappable, and a non-trapping link dies with kill.
   */
  @Test
  void aProcessExitingWithReasonKillIsSeenAsKillAndTheLinkSignalIsTrappable() {
    var exiting = process();
    var trapping = process();
    var plain = process();
    trapping.tell(new TestProcess.Trap(true));
    events.expectMessage("trap true");
    link(trapping, exiting);
    link(plain, exiting);
    observe(exiting);
    observe(plain);
    exiting.tell(new TestProcess.ExitWith(ExitReason.kill()));
    // Two monitors fire, in no guaranteed order: each process's Down with its own reason.
    java.util.Map<ActorRef<?>, ExitReason> downs = new java.util.HashMap<>();
    for (int i = 0; i < 2; i++) {
      Down down = observed.expectMessageClass(Down.class, Duration.ofSeconds(10));
      downs.put(down.target(), down.reason());
    }
    assertEquals(java.util.Map.of(exiting, ExitReason.kill(), plain, ExitReason.kill()), downs);
    assertEquals(new ExitSignal(exiting, ExitReason.kill()),
        events.expectMessageClass(ExitSignal.class));
    trapping.tell(new TestProcess.Echo("trapper lives"));
    events.expectMessage("trapper lives");
  }

  @Test
  void exitWithNormalIsIgnoredByANonTrappingProcessAndDeliveredToATrappingOne() {
    var a = process();
    var sender = process();
    sender.tell(new TestProcess.SendExit(a, ExitReason.normal()));
    a.tell(new TestProcess.Echo("still alive"));
    events.expectMessage("still alive");
    a.tell(new TestProcess.Trap(true));
    events.expectMessage("trap true");
    sender.tell(new TestProcess.SendExit(a, ExitReason.normal()));
    assertEquals(new ExitSignal(sender, ExitReason.normal()),
        events.expectMessageClass(ExitSignal.class));
  }

  @Test
  void exitWithAnAbnormalReasonKillsANonTrappingProcessWithThatReason() {
    var a = process();
    observe(a);
    Links.exit(kit.system().ignoreRef(), a, ExitReason.shutdown("told to"));
    assertEquals(ExitReason.shutdown("told to"), exitReasonOf(a));
  }

  @Test
  void afterUnlinkAnExitNoLongerPropagates() {
    var a = process();
    var b = process();
    link(a, b);
    a.tell(new TestProcess.Unlink(b));
    events.expectMessage("unlinked");
    a.tell(new TestProcess.Crash("boom"));
    kit.createTestProbe().expectTerminated(a);
    b.tell(new TestProcess.Echo("alive"));
    events.expectMessage("alive");
  }

  @Test
  void linkingToADeadProcessDeliversNoProc() {
    var dead = process();
    dead.tell(new TestProcess.Stop());
    kit.createTestProbe().expectTerminated(dead);
    var a = process();
    a.tell(new TestProcess.Trap(true));
    events.expectMessage("trap true");
    link(a, dead);
    assertEquals(new ExitSignal(dead, ExitReason.noProc()), events.expectMessageClass(ExitSignal.class));
  }

  /**
   * Property (Erlang link/1 failing with noproc, which the caller can handle): tryLink to a dead
   * process answers Failed(noproc), makes no link, and a non-trapping caller lives on.
   */
  @Test
  void tryLinkToADeadProcessAnswersNoProcAndTheNonTrappingCallerLivesOn() {
    var dead = process();
    dead.tell(new TestProcess.Stop());
    kit.createTestProbe().expectTerminated(dead);
    var caller = process();
    observe(caller);
    caller.tell(new TestProcess.TryLink(dead));
    assertEquals(new LinkResult.Failed(dead, ExitReason.noProc()),
        events.expectMessageClass(LinkResult.class));
    caller.tell(new TestProcess.Echo("caller lives"));
    events.expectMessage("caller lives");
    observed.expectNoMessage(Duration.ofMillis(200));
  }

  /**
   * Property: tryLink to a live process answers Linked before anything else about that peer, and
   * the link then works as any link: the peer's crash kills the non-trapping caller with its reason.
   */
  @Test
  void tryLinkToALiveProcessAnswersLinkedAndThenTheLinkPropagatesExits() {
    var peer = process();
    var caller = process();
    observe(caller);
    caller.tell(new TestProcess.TryLink(peer));
    assertEquals(new LinkResult.Linked(peer), events.expectMessageClass(LinkResult.class));
    peer.tell(new TestProcess.Crash("peer crashed"));
    assertEquals("peer crashed", ((ExitReason.Abnormal) exitReasonOf(caller)).message());
  }

  @Test
  void aPlainPekkoActorThatStopsIsSeenAsNoProc() {
    var plain = kit.spawn(Behaviors.receiveMessage((String msg) -> Behaviors.stopped()));
    var a = process();
    a.tell(new TestProcess.Trap(true));
    events.expectMessage("trap true");
    link(a, plain);
    plain.tell("stop");
    assertEquals(new ExitSignal(plain, ExitReason.noProc()), events.expectMessageClass(ExitSignal.class));
  }

  @Test
  void theLinksApiOutsideAProcessFailsWithAMessageSayingWhatToDo() {
    TestProbe<String> errors = kit.createTestProbe();
    var plain = kit.spawn(Behaviors.<String>setup(ctx -> {
      try {
        Links.link(ctx, ctx.getSelf());
      } catch (IllegalStateException e) {
        errors.ref().tell(e.getMessage());
      }
      return Behaviors.empty();
    }));
    String message = errors.receiveMessage();
    assertTrue(message.contains("is not a Baton process"), message);
    assertTrue(message.contains("Links.linkable"), message);
    kit.stop(plain);
    assertThrows(NullPointerException.class, () -> Links.exit(kit.system().ignoreRef(), null,
        ExitReason.normal()));
  }
}
