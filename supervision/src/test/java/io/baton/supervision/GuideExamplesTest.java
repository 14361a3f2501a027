package io.baton.supervision;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.baton.process.ExitSignal;
import io.baton.process.Links;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The examples quoted in docs/guide/supervision.md, compiled and run (see DocSnippetsTest). */
@Timeout(30)
class GuideExamplesTest {

  static final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  // #worker
  /** A worker is an ordinary Pekko typed behaviour. */
  static final class Ledger {
    sealed interface Command {}

    record Deposit(String account, long amount) implements Command {}

    record Balance(String account, ActorRef<Long> replyTo) implements Command {}

    record Fail() implements Command {}

    static Behavior<Command> create() {
      return Behaviors.setup(context -> {
        Map<String, Long> balances = new HashMap<>();
        return Behaviors.receive(Command.class)
            .onMessage(Deposit.class, d -> {
              balances.merge(d.account(), d.amount(), Long::sum);
              return Behaviors.same();
            })
            .onMessage(Balance.class, b -> {
              b.replyTo().tell(balances.getOrDefault(b.account(), 0L));
              return Behaviors.same();
            })
            .onMessage(Fail.class, f -> {
              throw new IllegalStateException("ledger corrupted");
            })
            .build();
      });
    }
  }
  // #worker

  // #trapping
  /** A worker that traps exits: its supervisor's shutdown arrives as a message. */
  static final class Flusher {
    sealed interface Command {}

    record Exited(ExitSignal signal) implements Command {}

    static Behavior<Command> create(ActorRef<String> sink) {
      return Behaviors.setup(context -> {
        Links.trapExits(context, Exited::new);
        return Behaviors.receive(Command.class)
            .onMessage(Exited.class, e -> {
              sink.tell("flushed before " + e.signal().reason());
              return Behaviors.stopped(); // counted as a clean shutdown
            })
            .onSignal(PostStop.class, s -> Behaviors.same())
            .build();
      });
    }
  }
  // #trapping

  @Test
  void theGuidesTreeStartsRestartsAndStops() {
    TestProbe<String> sink = kit.createTestProbe();
    // #tree
    SupervisorSpec payments = SupervisorSpec.oneForAll()
        .withIntensity(3, Duration.ofSeconds(10))
        .withChild(ChildSpec.worker("ledger", Ledger::create))
        .withChild(ChildSpec.worker("flusher", () -> Flusher.create(sink.ref()))
            .withShutdown(Shutdown.timeout(Duration.ofSeconds(2))));

    SupervisorSpec root = SupervisorSpec.oneForOne()
        .withChild(ChildSpec.supervisor("payments", payments))
        .withChild(ChildSpec.worker("audit", Ledger::create)
            .withRestart(RestartType.TRANSIENT));

    ActorRef<Supervisor.Command> supervisor = kit.spawn(Supervisor.create(root), "root");
    // #tree

    TestProbe<java.util.List<ChildInfo>> children = kit.createTestProbe();
    supervisor.tell(new Supervisor.WhichChildren(children.ref()));
    java.util.List<ChildInfo> top = children.receiveMessage();
    assertEquals(java.util.List.of("audit", "payments"),
        top.stream().map(ChildInfo::id).toList());

    // #stop
    TestProbe<SupervisorReply> stopped = kit.createTestProbe();
    supervisor.tell(new Supervisor.Stop(stopped.ref()));
    stopped.expectMessage(SupervisorReply.OK);
    // #stop
    sink.expectMessage("flushed before Shutdown[term=null]");
  }
}
