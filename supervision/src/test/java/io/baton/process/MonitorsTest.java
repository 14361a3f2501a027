package io.baton.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Erlang's monitors: one down message, never a kill. */
@Timeout(30)
class MonitorsTest {

  static final ActorTestKit kit = ActorTestKit.create();

  TestProbe<Object> events;

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    events = kit.createTestProbe();
  }

  private ActorRef<TestProcess.Msg> process() {
    return kit.spawn(TestProcess.create(events.ref()));
  }

  @Test
  void aMonitorDeliversOneDownWithTheReasonAndTheMonitorLives() {
    var watcher = process();
    var target = process();
    watcher.tell(new TestProcess.Monitor(target, "m"));
    events.expectMessage("monitoring");
    target.tell(new TestProcess.Crash("gone"));
    Down down = events.expectMessageClass(Down.class);
    assertEquals(target, down.target());
    assertEquals("gone", ((ExitReason.Abnormal) down.reason()).message());
    watcher.tell(new TestProcess.Echo("alive"));
    events.expectMessage("alive");
    events.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void aMonitorOnADeadProcessDeliversNoProcAtOnce() {
    var target = process();
    target.tell(new TestProcess.Stop());
    kit.createTestProbe().expectTerminated(target);
    var watcher = process();
    watcher.tell(new TestProcess.Monitor(target, "m"));
    events.expectMessage("monitoring");
    assertEquals(ExitReason.noProc(), events.expectMessageClass(Down.class).reason());
  }

  @Test
  void aNormalExitIsReportedAsNormal() {
    var watcher = process();
    var target = process();
    watcher.tell(new TestProcess.Monitor(target, "m"));
    events.expectMessage("monitoring");
    target.tell(new TestProcess.Stop());
    assertEquals(ExitReason.normal(), events.expectMessageClass(Down.class).reason());
  }

  @Test
  void eachMonitorFiresOnceOnItsOwn() {
    var watcher = process();
    var target = process();
    watcher.tell(new TestProcess.Monitor(target, "m1"));
    events.expectMessage("monitoring");
    watcher.tell(new TestProcess.Monitor(target, "m2"));
    events.expectMessage("monitoring");
    target.tell(new TestProcess.Crash("x"));
    Down first = events.expectMessageClass(Down.class);
    Down second = events.expectMessageClass(Down.class);
    assertEquals(2, java.util.Set.of(first.monitor(), second.monitor()).size());
    events.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void afterDemonitorNoDownArrives() {
    var watcher = process();
    var target = process();
    watcher.tell(new TestProcess.Monitor(target, "m"));
    events.expectMessage("monitoring");
    watcher.tell(new TestProcess.Demonitor("m"));
    events.expectMessage("demonitored");
    target.tell(new TestProcess.Crash("x"));
    kit.createTestProbe().expectTerminated(target);
    events.expectNoMessage(Duration.ofMillis(300));
  }

  @Test
  void aProcessStoppedFromOutsideIsReportedKilled() {
    var watcher = process();
    var target = process();
    watcher.tell(new TestProcess.Monitor(target, "m"));
    events.expectMessage("monitoring");
    // A stop from outside overtakes the target's mailbox: make sure the target has taken the
    // monitor request (queued before this echo) before stopping it. A monitor whose request the
    // target never took reports noproc, as for a target that died before the monitor was set.
    target.tell(new TestProcess.Echo("monitor registered"));
    events.expectMessage("monitor registered");
    kit.stop(target);
    assertEquals(ExitReason.killed(), events.expectMessageClass(Down.class).reason());
  }
}
