package io.baton.supervision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A restarted static child keeps its actor path (OTP's registered name), a root spawned under
 * {@code /system} runs its tree at a path derived from its name alone, and a root tree may stop in
 * a coordinated-shutdown phase of its own.
 */
@Timeout(60)
class StablePathsTest extends SupervisorFixture {

  /** Property: a restart makes a new incarnation at the same path; a dynamic child's differ. */
  @Test
  void aRestartedStaticChildKeepsItsPath() {
    ActorRef<Supervisor.Command> sup = start(oneForOne(worker("a"), worker("b")));
    expectLog("start a", "start b");
    ActorRef<TestChild.Msg> first = child(sup, "a");
    first.tell(new TestChild.Crash("boom"));
    expectLog("stop a", "start a");
    ActorRef<TestChild.Msg> second = child(sup, "a");
    assertNotEquals(first, second, "a restart is a new incarnation");
    assertEquals(first.path(), second.path());
    assertEquals("a", second.path().name());
    stop(sup);
  }

  /** Property: dynamic children of one template get distinct names. */
  @Test
  void dynamicChildrenOfOneTemplateGetDistinctNames() {
    ActorRef<Supervisor.Command> sup = start(SupervisorSpec.simpleOneForOne(
        ChildSpec.dynamicWorker("d", String.class, id -> TestChild.create(id, log.ref()))));
    reply(sup, r -> new Supervisor.StartDynamicChild("x", r));
    reply(sup, r -> new Supervisor.StartDynamicChild("y", r));
    expectLog("start x", "start y");
    var children = which(sup);
    assertEquals(2, children.size());
    assertNotEquals(children.get(0).child().path().name(), children.get(1).child().path().name());
    stop(sup);
  }

  /**
   * Property: a root spawned as a system actor named {@code n} runs its tree at {@code
   * /system/baton-tree-n}, so a static child's path is known to other nodes without asking.
   */
  @Test
  void aRootUnderSystemRunsItsTreeAtAStablePath() {
    ActorRef<Supervisor.Command> root = kit().system().systemActorOf(
        Supervisor.create(oneForOne(worker("svc"))), "stable-root", Props.empty());
    reports.of(root);
    expectLog("start svc");
    ActorRef<TestChild.Msg> svc = child(root, "svc");
    assertEquals("/system/baton-tree-stable-root/svc", svc.path().toStringWithoutAddress());
    stop(root);
  }

  /**
   * Property: on termination a tree with its own late phase stops after a tree in the default
   * phase; an unknown phase of a tree fails its start with the value and what to use.
   */
  @Test
  void aTreeStopsInItsOwnShutdownPhase() throws Exception {
    ActorTestKit other = ActorTestKit.create("StablePathsTestPhases");
    try {
      other.spawn(Supervisor.create(oneForOne(
          trappingWorker("late", TestChild.OnShutdown.STOP))
          .withShutdownPhase("before-actor-system-terminate")), "late");
      expectLog("start late");
      other.spawn(Supervisor.create(oneForOne(
          trappingWorker("early", TestChild.OnShutdown.STOP))), "early");
      expectLog("start early");
      other.system().terminate();
      expectLog("exit early:shutdown", "stop early", "exit late:shutdown", "stop late");
      other.system().getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } finally {
      other.shutdownTestKit();
    }
    var error = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> RootSupervisor.checkShutdownPhase(
            oneForOne(worker("x")).withShutdownPhase("no-such-phase"),
            com.typesafe.config.ConfigFactory.load(), kit().system().path()));
    assertTrue(error.getMessage().startsWith(
        "the tree's shutdown phase = 'no-such-phase' is not a phase"), error.getMessage());
    assertTrue(error.getMessage().contains("service-stop"), error.getMessage());
  }
}
