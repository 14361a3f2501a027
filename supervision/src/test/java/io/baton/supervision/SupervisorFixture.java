package io.baton.supervision;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.junit.jupiter.api.BeforeEach;

/** One actor system per test class; a fresh log, report reader and ticker per test. */
abstract class SupervisorFixture {

  static final ActorTestKit kit = ActorTestKit.create();

  /** The actor system this test runs in; a class with manual time overrides it. */
  ActorTestKit kit() {
    return kit;
  }

  TestProbe<TestChild.Event> log;
  Reports reports;
  ManualTicker ticker;

  @BeforeEach
  void freshProbes() {
    log = kit().createTestProbe(TestChild.Event.class);
    reports = new Reports(kit());
    ticker = new ManualTicker();
  }

  ChildSpec worker(String id) {
    return ChildSpec.worker(id, () -> TestChild.create(id, log.ref()));
  }

  ChildSpec worker(String id, Supplier<TestChild.StartMode> startMode) {
    return ChildSpec.worker(
        id, () -> TestChild.create(id, log.ref(), startMode, false, TestChild.OnShutdown.STOP));
  }

  ChildSpec trappingWorker(String id, TestChild.OnShutdown onShutdown) {
    return ChildSpec.worker(id, () -> TestChild.trapping(id, log.ref(), onShutdown));
  }

  SupervisorSpec oneForOne(ChildSpec... children) {
    return SupervisorSpec.oneForOne()
        .withIntensity(10, Duration.ofSeconds(60))
        .withTicker(ticker)
        .withChildren(List.of(children));
  }

  ActorRef<Supervisor.Command> start(SupervisorSpec spec) {
    ActorRef<Supervisor.Command> supervisor = kit().spawn(Supervisor.create(spec));
    reports.of(supervisor);
    return supervisor;
  }

  ActorRef<Supervisor.Command> spawn(Behavior<Supervisor.Command> behavior) {
    ActorRef<Supervisor.Command> supervisor = kit().spawn(behavior);
    reports.of(supervisor);
    return supervisor;
  }

  /** The next log lines are exactly these, in order. */
  void expectLog(String... lines) {
    List<String> seen = new ArrayList<>();
    while (seen.size() < lines.length) {
      seen.add(log.receiveMessage(Duration.ofSeconds(10)).text());
    }
    assertEquals(List.of(lines), seen);
  }

  <R> R ask(ActorRef<Supervisor.Command> supervisor, Function<ActorRef<R>, Supervisor.Command> make) {
    TestProbe<Object> probe = kit().createTestProbe();
    @SuppressWarnings("unchecked")
    ActorRef<R> replyTo = (ActorRef<R>) (ActorRef<?>) probe.ref();
    supervisor.tell(make.apply(replyTo));
    @SuppressWarnings("unchecked")
    R reply = (R) probe.receiveMessage(Duration.ofSeconds(10));
    return reply;
  }

  SupervisorReply reply(
      ActorRef<Supervisor.Command> supervisor,
      Function<ActorRef<SupervisorReply>, Supervisor.Command> make) {
    return this.<SupervisorReply>ask(supervisor, make);
  }

  List<ChildInfo> which(ActorRef<Supervisor.Command> supervisor) {
    return ask(supervisor, Supervisor.WhichChildren::new);
  }

  ChildCounts count(ActorRef<Supervisor.Command> supervisor) {
    return ask(supervisor, Supervisor.CountChildren::new);
  }

  /** The running child with this id. */
  ActorRef<TestChild.Msg> child(ActorRef<Supervisor.Command> supervisor, String id) {
    for (ChildInfo info : which(supervisor)) {
      if (info.id().equals(id) && info.child() != null) {
        return info.childAs(TestChild.Msg.class);
      }
    }
    throw new AssertionError("no running child " + id + " in " + which(supervisor));
  }

  /** The ids of which_children with their status, most recent first. */
  List<String> whichIds(ActorRef<Supervisor.Command> supervisor) {
    List<String> ids = new ArrayList<>();
    for (ChildInfo info : which(supervisor)) {
      ids.add(info.id() + (info.status() == ChildInfo.Status.RUNNING ? "" : ":" + info.status()));
    }
    return ids;
  }

  void stop(ActorRef<Supervisor.Command> supervisor) {
    TestProbe<SupervisorReply> probe = kit().createTestProbe();
    supervisor.tell(new Supervisor.Stop(probe.ref()));
    probe.expectMessage(Duration.ofSeconds(10), SupervisorReply.OK);
    TestProbe<Object> watcher = kit().createTestProbe();
    watcher.expectTerminated(supervisor, Duration.ofSeconds(10));
  }

  void expectTerminated(ActorRef<?> ref) {
    kit().createTestProbe().expectTerminated(ref, Duration.ofSeconds(10));
  }
}
