package io.baton.supervision;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.baton.process.Down;
import io.baton.process.ExitReason;
import io.baton.process.Links;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every way a root tree can be stopped is an ordered OTP shutdown: its starter stopping, its
 * starter's exit signal, and the actor system terminating (which is also what a JVM's SIGTERM
 * does, see {@code NodeSigtermTest}). Each stops the children one by one in reverse start order,
 * sends each its shutdown signal, waits per its shutdown spec and reports every step.
 */
@Timeout(60)
class TreeStopPathsTest extends SupervisorFixture {

  /** What a test asks the starter of a tree to do. */
  sealed interface StarterCommand {}

  record StopYourself() implements StarterCommand {}

  record SendExit(ExitReason reason) implements StarterCommand {}

  /** A plain actor that spawns a tree, as the guide maps OTP's start_link, and tells its ref. */
  static Behavior<StarterCommand> starter(SupervisorSpec spec, ActorRef<ActorRef<Supervisor.Command>> tell) {
    return Behaviors.setup(ctx -> {
      ActorRef<Supervisor.Command> tree = ctx.spawn(Supervisor.create(spec), "tree");
      tell.tell(tree);
      return Behaviors.receive(StarterCommand.class)
          .onMessage(StopYourself.class, m -> Behaviors.stopped())
          .onMessage(SendExit.class, m -> {
            Links.exit(ctx, tree, m.reason());
            return Behaviors.same();
          })
          .build();
    });
  }

  private SupervisorSpec threeTrappingWorkers() {
    return oneForOne(trappingWorker("a", TestChild.OnShutdown.STOP),
        trappingWorker("b", TestChild.OnShutdown.STOP),
        trappingWorker("c", TestChild.OnShutdown.STOP));
  }

  private ActorRef<StarterCommand> startTreeUnderStarter(TestProbe<ActorRef<Supervisor.Command>> refs) {
    ActorRef<StarterCommand> starter = kit().spawn(starter(threeTrappingWorkers(), refs.ref()));
    reports.of(refs.receiveMessage(Duration.ofSeconds(10)));
    expectLog("start a", "start b", "start c");
    reports.expect("started a", "started b", "started c");
    return starter;
  }

  private void expectOrderedShutdown(String supervisorExit) {
    expectLog("exit c:shutdown", "stop c", "exit b:shutdown", "stop b", "exit a:shutdown", "stop a");
    reports.expect("stopped c:shutdown", "stopped b:shutdown", "stopped a:shutdown",
        "supervisor_exited:" + supervisorExit);
  }

  /** Property (OTP): the starter's exit terminates the tree in reverse order, per shutdown spec. */
  @Test
  void whenItsStarterStopsTheTreeStopsInReverseOrderWithShutdownSignalsAndReports() {
    TestProbe<ActorRef<Supervisor.Command>> refs = kit().createTestProbe();
    ActorRef<StarterCommand> starter = startTreeUnderStarter(refs);
    starter.tell(new StopYourself());
    expectOrderedShutdown("shutdown");
  }

  /**
   * Property (OTP exit(Sup, Reason) from the parent): the starter's exit signal stops the tree in
   * order and the supervisor exits with that reason, as its monitors see.
   */
  @Test
  void anExitSignalFromItsStarterStopsTheTreeInOrderAndTheSupervisorExitsWithItsReason() {
    TestProbe<ActorRef<Supervisor.Command>> refs = kit().createTestProbe();
    ActorRef<StarterCommand> starter = kit().spawn(starter(threeTrappingWorkers(), refs.ref()));
    ActorRef<Supervisor.Command> tree = refs.receiveMessage(Duration.ofSeconds(10));
    reports.of(tree);
    expectLog("start a", "start b", "start c");
    reports.expect("started a", "started b", "started c");
    TestProbe<Object> seen = kit().createTestProbe();
    ActorRef<Object> witness = kit().spawn(ExitReasonAgreementTest.witness(seen.ref()));
    witness.tell(new ExitReasonAgreementTest.Watch(tree));
    seen.expectMessage("watching");

    starter.tell(new SendExit(ExitReason.shutdown("bye")));
    expectOrderedShutdown("{shutdown,bye}");
    Down down = seen.expectMessageClass(Down.class, Duration.ofSeconds(10));
    assertEquals(tree, down.target());
    assertEquals(ExitReason.shutdown("bye"), down.reason());
    kit().stop(starter);
  }

  /**
   * Property: terminating the actor system (coordinated shutdown, as on SIGTERM) stops a tree in
   * order, with reports, before Pekko stops any actor.
   */
  @Test
  void terminatingTheActorSystemStopsATreeInOrderWithReports() throws Exception {
    ActorTestKit other = ActorTestKit.create("TreeStopPathsTestTerminated");
    reports = new Reports(kit(), other.system());
    ActorRef<Supervisor.Command> tree = other.spawn(Supervisor.create(threeTrappingWorkers()), "t");
    reports.of(tree);
    expectLog("start a", "start b", "start c");
    reports.expect("started a", "started b", "started c");
    other.system().terminate();
    expectOrderedShutdown("shutdown");
    other.system().getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** Property: the same holds for a tree that is the actor system's guardian. */
  @Test
  void terminatingAnActorSystemWhoseGuardianIsATreeStopsItInOrder() throws Exception {
    ActorSystem<Supervisor.Command> system =
        ActorSystem.create(Supervisor.create(threeTrappingWorkers()), "GuardianTree");
    // The guardian may report before a subscription could be made: the log tells the order.
    expectLog("start a", "start b", "start c");
    system.terminate();
    expectLog("exit c:shutdown", "stop c", "exit b:shutdown", "stop b", "exit a:shutdown", "stop a");
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /**
   * Property: a shutdown phase that the actor system does not have fails the root's start (no
   * child starts), and the error names the key, the value and what to use instead.
   */
  @Test
  void anUnknownShutdownPhaseFailsTheRootsStartNamingTheKeyAndTheValue() {
    var config = com.typesafe.config.ConfigFactory.parseString(
        "baton.supervision.shutdown-phase = no-such-phase");
    ActorTestKit other = ActorTestKit.create("TreeStopPathsTestBadPhase", config);
    try {
      ActorRef<Supervisor.Command> tree = other.spawn(Supervisor.create(threeTrappingWorkers()));
      other.createTestProbe().expectTerminated(tree, Duration.ofSeconds(10));
      log.expectNoMessage(Duration.ofMillis(200));
      var error = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> RootSupervisor.checkShutdownPhase(threeTrappingWorkers(),
              config.withFallback(com.typesafe.config.ConfigFactory.load()), tree.path()));
      assertEquals(true, error.getMessage().startsWith(
          "baton.supervision.shutdown-phase = 'no-such-phase' is not a phase"), error.getMessage());
      assertEquals(true, error.getMessage().contains("service-stop"), error.getMessage());
    } finally {
      other.shutdownTestKit();
    }
  }
}
