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
import org.apache.pekko.cluster.typed.Leave;

/**
 * A Baton node whose process ends as {@link BatonNode#exitWhenTerminated()} says, for {@link
 * NodeExitProcessTest}. With {@code -D}{@value #STUCK}{@code =on} its actor system can never finish
 * terminating: a system actor blocks its thread in {@code PostStop} for ten minutes (as a hung
 * stop of any actor would).
 *
 * <p>Reports {@code STARTED <address>}, the {@link ClusterEventReporter}'s lines and {@code
 * STOP-BLOCKED} when the blocking actor starts to stop. Commands: {@code down-self} downs this node
 * through the cluster, as the Split Brain Resolver would; {@code leave} leaves the cluster
 * gracefully, as an operator's drain-and-stop would.
 */
public final class ExitStatusNodeMain {

  /** The system property that makes the actor system's termination hang. */
  public static final String STUCK = "baton.test.stuck-stop";

  private ExitStatusNodeMain() {}

  public static void main(String[] args) {
    CompletableFuture<BatonNode> started = new CompletableFuture<>();
    HarnessLink.start(line -> {
      BatonNode node = started.join();
      if (line.equals("down-self")) {
        Cluster cluster = Cluster.get(node.system());
        cluster.manager().tell(new Down(cluster.selfMember().address()));
      } else if (line.equals("leave")) {
        Cluster cluster = Cluster.get(node.system());
        cluster.manager().tell(Leave.create(cluster.selfMember().address()));
      } else {
        HarnessLink.report("UNKNOWN-COMMAND " + line);
      }
    });
    BatonNode node = BatonNode.start(NodeConfig.fromArguments(Arrays.asList(args)));
    node.exitWhenTerminated();
    node.system().systemActorOf(ClusterEventReporter.create(), "cluster-event-reporter",
        Props.empty());
    if (Boolean.getBoolean(STUCK) || "on".equals(System.getProperty(STUCK))) {
      node.system().systemActorOf(stopsNever(), "stops-never", Props.empty());
    }
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
