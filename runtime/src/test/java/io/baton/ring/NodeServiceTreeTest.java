package io.baton.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.process.ExitReason;
import io.baton.process.Links;
import io.baton.runtime.BatonNode;
import io.baton.runtime.NodeConfig;
import io.baton.services.NodeServices;
import io.baton.services.ServicesStatus;
import io.baton.supervision.ChildInfo;
import io.baton.supervision.ChildType;
import io.baton.supervision.Supervisor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's own services are one Baton supervision tree: every service the node starts is a
 * child of it, a service that dies is restarted by its supervisor at the same path with a report
 * that {@code /status} shows, and the node keeps serving its entities throughout.
 */
@Timeout(120)
class NodeServiceTreeTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;

  /**
   * Property: each service, killed by an abnormal exit signal (OTP's {@code exit(Pid, Reason)},
   * which ends a process as a throw does), is restarted under its supervisor at the same path,
   * reported, and the node answers requests throughout with no acknowledged event lost.
   */
  @Test
  void everyNodeServiceThatDiesIsRestartedUnderItsSupervisorAndTheNodeKeepsServing()
      throws Exception {
    List<String> flags = List.of("--port=0", "--data-dir=" + dir);
    try (BatonNode node = BatonNode.start(NodeConfig.fromArguments(flags))) {
      node.register(ShardedCounter.KEY, ctx -> ShardedCounter.create(ctx.getEntityId(), "tree"));
      int expected = 0;
      assertEquals(++expected, increment(node, "a").count());
      NodeServices services = NodeServices.get(node.system());

      Map<String, ActorRef<?>> leaves = leaves(node, services.root(), "");
      for (String required : List.of("death-detector", "journal/baton-journal-replica",
          "journal/catch-up", "journal/ring-watch", "drained-nodes", "load-meter",
          "baton-join-refusal", "baton-seed-probe", "allocation-observer-counter")) {
        assertTrue(leaves.containsKey(required), required + " is not a service of the tree: "
            + leaves.keySet());
      }
      for (Map.Entry<String, ActorRef<?>> leaf : leaves.entrySet()) {
        String place = leaf.getKey();
        ActorRef<?> before = leaf.getValue();
        int startsBefore = starts(services, place);
        Links.exit(before, before, ExitReason.abnormal("crash test of " + place));
        ServicesStatus.Service restarted = awaitRestarted(services, place, startsBefore);
        assertEquals("running", restarted.state(), place);
        assertTrue(restarted.lastExit().contains("crash test of " + place), restarted.toString());
        ActorRef<?> after = leaves(node, services.root(), "").get(place);
        assertNotEquals(before, after, place + " is a new incarnation");
        assertEquals(before.path(), after.path(), place + " keeps its path");
        assertEquals(NodeServices.TREE_PATH + "/" + place, after.path().toStringWithoutAddress());
        // The node still serves, and nothing it acknowledged is lost.
        assertEquals(++expected, increment(node, "a").count(), "after " + place);
      }
      List<String> reports = services.status().reports();
      // The journal's services are rest_for_one: the endpoint's exit restarted those after it.
      int exit = reports.indexOf("journal/baton-journal-replica: exited: Abnormal[error: crash"
          + " test of journal/baton-journal-replica]");
      assertTrue(exit >= 0, String.join("\n", reports));
      assertEquals(List.of("journal/ring-watch: stopped: Shutdown[term=null]",
              "journal/catch-up: stopped: Shutdown[term=null]",
              "journal/baton-journal-replica: started (start 2)"),
          reports.subList(exit + 1, exit + 4), String.join("\n", reports));
    }
  }

  /** The running leaves of the tree (workers), by their place (ids joined by '/'). */
  private static Map<String, ActorRef<?>> leaves(BatonNode node,
      ActorRef<Supervisor.Command> supervisor, String prefix) throws Exception {
    Map<String, ActorRef<?>> leaves = new LinkedHashMap<>();
    List<ChildInfo> children = AskPattern.<Supervisor.Command, List<ChildInfo>>ask(supervisor,
            Supervisor.WhichChildren::new, WAIT, node.system().scheduler())
        .toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    for (ChildInfo child : new ArrayList<>(children)) {
      if (child.child() == null) {
        continue;
      }
      if (child.type() == ChildType.SUPERVISOR) {
        leaves.putAll(leaves(node, child.childAs(Supervisor.Command.class),
            prefix + child.id() + "/"));
      } else {
        leaves.put(prefix + child.id(), child.child());
      }
    }
    return leaves;
  }

  private static int starts(NodeServices services, String place) {
    return services.status().services().stream().filter(s -> s.path().equals(place))
        .mapToInt(ServicesStatus.Service::starts).findFirst()
        .orElseThrow(() -> new AssertionError(place + " is not in " + services.status()));
  }

  /** Waits until {@code place} runs again after a start beyond {@code startsBefore}. */
  private static ServicesStatus.Service awaitRestarted(NodeServices services, String place,
      int startsBefore) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      for (ServicesStatus.Service service : services.status().services()) {
        if (service.path().equals(place) && service.starts() > startsBefore
            && service.state().equals("running")) {
          return service;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError(place + " was not restarted within " + WAIT + ": "
        + services.status());
  }

  private static ShardedCounter.Value increment(BatonNode node, String id) throws Exception {
    return AskPattern.<ShardedCounter.Command, ShardedCounter.Value>ask(
            node.entityRefFor(ShardedCounter.KEY, id), ShardedCounter.Increment::new, WAIT,
            node.system().scheduler())
        .toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }
}
