package io.baton.supervision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.process.ExitReason;
import io.baton.process.Links;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Start in order, failed starts, ordered stop, and exit signals to a supervisor. */
@Timeout(30)
class StartAndStopTest extends SupervisorFixture {

  @Test
  void eachChildStartsOnlyAfterThePreviousOneFinishedStarting() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<String> seenByB = new AtomicReference<>();
    AtomicReference<String> aState = new AtomicReference<>("starting");
    ChildSpec slowA = ChildSpec.worker("a", () -> Behaviors.<TestChild.Msg>setup(ctx -> {
      release.await(10, TimeUnit.SECONDS);
      aState.set("started");
      return TestChild.create("a", log.ref());
    }));
    ChildSpec b = ChildSpec.worker("b", () -> Behaviors.<TestChild.Msg>setup(ctx -> {
      seenByB.set(aState.get());
      return TestChild.create("b", log.ref());
    }));
    var sup = start(oneForOne(slowA, b));
    release.countDown();
    reports.expect("started a", "started b");
    assertEquals("started", seenByB.get());
    stop(sup);
  }

  @Test
  void aChildFailingToStartStopsTheStartedOnesInReverseAndFailsTheSupervisor() {
    TestProbe<Object> watcher = kit.createTestProbe();
    var sup = start(oneForOne(worker("a"), worker("b"),
        worker("c", () -> TestChild.StartMode.FAIL), worker("d")));
    expectLog("start a", "start b", "stop b", "stop a");
    reports.expect("started a", "started b", "start_error c", "stopped b:shutdown",
        "stopped a:shutdown",
        "supervisor_exited:{shutdown,{failed_to_start_child,c,start of c failed}}");
    watcher.expectTerminated(sup);
    log.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void aStartFunctionThatThrowsIsAStartFailureNamingTheChild() {
    var sup = start(oneForOne(worker("a"), ChildSpec.worker("broken", () -> {
      throw new IllegalArgumentException("no config");
    })));
    reports.expect("started a", "start_error broken", "stopped a:shutdown",
        "supervisor_exited:{shutdown,{failed_to_start_child,broken,no config}}");
    expectTerminated(sup);
  }

  @Test
  void stopTerminatesChildrenInReverseStartOrder() {
    var sup = start(oneForOne(worker("a"), worker("b"), worker("c")));
    expectLog("start a", "start b", "start c");
    stop(sup);
    expectLog("stop c", "stop b", "stop a");
  }

  @Test
  void anExitSignalFromAnUnrelatedProcessIsIgnoredButKillIsNot() {
    var sup = start(oneForOne(worker("a")));
    reports.expect("started a");
    Links.exit(kit.system().ignoreRef(), sup, ExitReason.shutdown());
    assertEquals(List.of("a"), whichIds(sup));
    Links.exit(kit.system().ignoreRef(), sup, ExitReason.kill());
    expectTerminated(sup);
  }

  @Test
  void aChildSupervisorIsStoppedByItsParentWithItsWholeTreeInOrder() {
    var inner = SupervisorSpec.oneForOne().withChildren(List.of(worker("x"), worker("y")));
    var sup = start(oneForOne(worker("a"), ChildSpec.supervisor("inner", inner), worker("c")));
    expectLog("start a", "start x", "start y", "start c");
    stop(sup);
    expectLog("stop c", "stop y", "stop x", "stop a");
  }

  @Test
  void aChildSupervisorWhoseChildFailsToStartFailsItsParentsStartInTurn() {
    var inner = SupervisorSpec.oneForOne()
        .withChildren(List.of(worker("x", () -> TestChild.StartMode.FAIL)));
    var sup = start(oneForOne(worker("a"), ChildSpec.supervisor("inner", inner), worker("c")));
    expectLog("start a", "stop a");
    reports.expect("started a", "start_error inner", "stopped a:shutdown",
        "supervisor_exited:{shutdown,{failed_to_start_child,inner,"
            + "{shutdown,{failed_to_start_child,x,start of x failed}}}}");
    expectTerminated(sup);
  }

  /**
   * Property (OTP {@code {shutdown, {failed_to_start_child, Id, Reason}}}): the exit reason of a
   * supervisor whose child failed to start is a value a monitor can match, naming the child and
   * carrying its cause, nested one level per supervisor.
   */
  @Test
  void aFailedStartExitsWithAStructuredReasonNamingTheChildAndItsCause() {
    var inner = SupervisorSpec.oneForOne()
        .withChildren(List.of(worker("x", () -> TestChild.StartMode.FAIL)));
    TestProbe<Object> downs = kit.createTestProbe();
    var sup = kit.spawn(Links.linkable(Behaviors.<Object>setup(ctx -> {
      var tree = ctx.spawn(Supervisor.create(oneForOne(ChildSpec.supervisor("inner", inner))), "t");
      Links.monitor(ctx, tree, d -> d);
      return Behaviors.receiveMessage(m -> {
        downs.ref().tell(m);
        return Behaviors.same();
      });
    })));
    var down = downs.expectMessageClass(io.baton.process.Down.class, Duration.ofSeconds(10));
    var outer = assertInstanceOf(ExitReason.FailedToStartChild.class, down.reason());
    assertEquals("inner", outer.childId());
    var cause = assertInstanceOf(ExitReason.FailedToStartChild.class, outer.cause());
    assertEquals("x", cause.childId());
    assertEquals(new ExitReason.Abnormal(IllegalStateException.class.getName(),
        "start of x failed", null), cause.cause());
    assertTrue(down.reason().isNormalOrShutdown(), "it is a shutdown: no transient restart");
    kit.stop(sup);
  }
}
