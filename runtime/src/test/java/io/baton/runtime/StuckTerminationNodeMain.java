package io.baton.runtime;

import io.baton.cluster.testkit.ClusterEventReporter;
import io.baton.cluster.testkit.HarnessLink;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;

/**
 * A Baton node whose actor system can never finish terminating: a system actor blocks its
 * thread in {@code PostStop} for ten minutes (as a hung stop of any actor would). For {@link
 * DownedNodeExitProcessTest}.
 *
 * <p>Reports {@code STARTED <address>}, the {@link ClusterEventReporter}'s lines, and {@code
 * TERMINATED} if the system ever terminates (then exits {@link #EXIT_TERMINATED}). Commands:
 * {@code down-self} downs this node through the cluster, as the Split Brain Resolver would.
 */
public final class StuckTerminationNodeMain {

  /** The exit status if the actor system did terminate (it should not). */
  public static final int EXIT_TERMINATED = 7;

  private StuckTerminationNodeMain() {}

  public static void main(String[] args) {
    CompletableFuture<BatonNode> started = new CompletableFuture<>();
    HarnessLink.start(line -> {
      BatonNode node = started.join();
      if (line.equals("down-self")) {
        Cluster cluster = Cluster.get(node.system());
        cluster.manager().tell(new Down(cluster.selfMember().address()));
      } else {
        HarnessLink.report("UNKNOWN-COMMAND " + line);
      }
    });
    BatonNode node = BatonNode.start(NodeConfig.fromArguments(Arrays.asList(args)));
    node.system().systemActorOf(ClusterEventReporter.create(), "cluster-event-reporter",
        Props.empty());
    node.system().systemActorOf(stopsNever(), "stops-never", Props.empty());
    node.system().getWhenTerminated().thenRun(() -> {
      HarnessLink.report("TERMINATED");
      Runtime.getRuntime().halt(EXIT_TERMINATED);
    });
    HarnessLink.report("STARTED " + Cluster.get(node.system()).selfMember().address());
    started.complete(node);
  }

  private static Behavior<Void> stopsNever() {
    return Behaviors.receive(Void.class)
        .onSignal(PostStop.class, signal -> {
          HarnessLink.report("STOP-BLOCKED");
          try {
            Thread.sleep(600_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return Behaviors.same();
        })
        .build();
  }
}
