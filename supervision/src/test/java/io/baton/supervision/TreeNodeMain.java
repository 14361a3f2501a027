package io.baton.supervision;

import io.baton.process.ExitSignal;
import io.baton.process.Links;
import io.baton.process.RemoteNodeMain;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The node of {@link NodeSigtermTest}: an actor system whose guardian starts a root tree of
 * trapping workers {@code w1..wN}, each of which flushes for {@code flush} ms (a timer, as real
 * I/O would take) when its supervisor's shutdown signal arrives, then stops. It writes one line
 * per step, prefixed {@value #PREFIX}: {@code flush-begin wI}, {@code flush-end wI}, and every
 * supervisor report as {@code report <line>} (see {@link Reports#describe}).
 *
 * <p>Usage: {@code java -cp <test classpath> io.baton.supervision.TreeNodeMain <workers>
 * <flush-ms> <shutdown-ms>}. It halts when its parent's pipe closes.
 */
public final class TreeNodeMain {

  static final String PREFIX = "TREE ";

  private TreeNodeMain() {}

  sealed interface WorkerCommand {}

  record Trapped(ExitSignal signal) implements WorkerCommand {}

  record Flushed() implements WorkerCommand {}

  static Behavior<WorkerCommand> worker(String id, Duration flush) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      Links.trapExits(ctx, Trapped::new);
      return Behaviors.receive(WorkerCommand.class)
          .onMessage(Trapped.class, t -> {
            say("flush-begin " + id + " on " + Reports.describe(t.signal().reason()));
            timers.startSingleTimer(new Flushed(), flush);
            return Behaviors.same();
          })
          .onMessage(Flushed.class, f -> {
            say("flush-end " + id);
            return Behaviors.stopped();
          })
          .build();
    }));
  }

  static void say(String line) {
    System.out.println(PREFIX + line);
    System.out.flush();
  }

  public static void main(String[] args) {
    int workers = Integer.parseInt(args[0]);
    Duration flush = Duration.ofMillis(Long.parseLong(args[1]));
    Duration shutdown = Duration.ofMillis(Long.parseLong(args[2]));
    RemoteNodeMain.haltWhenParentGoes();
    List<ChildSpec> children = new ArrayList<>();
    for (int i = 1; i <= workers; i++) {
      String id = "w" + i;
      children.add(ChildSpec.worker(id, () -> worker(id, flush))
          .withShutdown(Shutdown.timeout(shutdown)));
    }
    SupervisorSpec spec = SupervisorSpec.oneForOne().withChildren(children);
    ActorSystem.create(Behaviors.<Void>setup(ctx -> {
      var printer = ctx.spawn(Behaviors.<SupervisorReport>receiveMessage(report -> {
        say("report " + Reports.describe(report));
        return Behaviors.same();
      }), "report-printer");
      SupervisorReports.subscribe(ctx.getSystem(), printer);
      ctx.spawn(Supervisor.create(spec), "tree");
      return Behaviors.empty();
    }), "SigtermNode");
    say("pid " + ProcessHandle.current().pid());
  }
}
