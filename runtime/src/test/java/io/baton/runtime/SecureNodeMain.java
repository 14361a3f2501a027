package io.baton.runtime;

import io.baton.cluster.testkit.ClusterEventReporter;
import io.baton.cluster.testkit.HarnessLink;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * A node for {@link TransportSecurityProcessTest}: joins the cluster its flags name (those of
 * {@link NodeConfig#fromArguments}; TLS comes from {@code -Dbaton.node.tls.*}), runs the sharded
 * {@link Guestbook} and reports membership ({@link ClusterEventReporter}).
 *
 * <p>Commands: {@code sign <entity> <note>} prints {@code SIGN-ACK <entity> <notes>} (or {@code
 * SIGN-FAILED}); {@code read <entity>} prints {@code NOTES <entity> [<notes>]}.
 */
public final class SecureNodeMain {

  private static final Duration ASK = Duration.ofSeconds(10);

  private SecureNodeMain() {}

  public static void main(String[] args) {
    CompletableFuture<ActorSystem<Void>> started = new CompletableFuture<>();
    HarnessLink.start(command -> obey(started.join(), command));
    try {
      NodeConfig node = NodeConfig.fromArguments(Arrays.asList(args));
      ActorSystem<Void> system =
          ActorSystem.create(guardian(), node.clusterName(), node.toPekkoConfig());
      ClusterSharding.get(system)
          .init(Entity.of(Guestbook.KEY, context -> Guestbook.create(context.getEntityId())));
      system.getWhenTerminated().thenRun(() -> Runtime.getRuntime().halt(2));
      HarnessLink.report("STARTED " + Cluster.get(system).selfMember().address());
      started.complete(system);
    } catch (Throwable e) {
      HarnessLink.report("START-FAILED " + e);
      e.printStackTrace(System.out);
      System.out.flush();
      Runtime.getRuntime().halt(1);
    }
  }

  private static Behavior<Void> guardian() {
    return Behaviors.setup(context -> {
      context.spawn(ClusterEventReporter.create(), "cluster-event-reporter");
      return Behaviors.empty();
    });
  }

  private static void obey(ActorSystem<Void> system, String command) {
    String[] words = command.split("\\s+");
    var entity = ClusterSharding.get(system).entityRefFor(Guestbook.KEY, words[1]);
    switch (words[0]) {
      case "sign" -> entity.<Guestbook.Notes>ask(
              replyTo -> new Guestbook.Sign(words[2], replyTo), ASK)
          .whenComplete((notes, error) -> HarnessLink.report(error != null
              ? "SIGN-FAILED " + words[1] + " " + error
              : "SIGN-ACK " + words[1] + " " + notes.notes()));
      case "read" -> entity.<Guestbook.Notes>ask(Guestbook.Read::new, ASK)
          .whenComplete((notes, error) -> HarnessLink.report(error != null
              ? "READ-FAILED " + words[1] + " " + error
              : "NOTES " + words[1] + " " + notes.notes()));
      default -> HarnessLink.report("UNKNOWN-COMMAND " + command);
    }
  }
}
