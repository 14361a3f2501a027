package io.baton.ring;

import io.baton.cluster.testkit.ClusterEventReporter;
import io.baton.cluster.testkit.HarnessLink;
import io.baton.process.Down;
import io.baton.process.ExitReason;
import io.baton.process.ExitSignal;
import io.baton.process.Links;
import io.baton.runtime.NodeConfig;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * A node of {@link NodeLossLinkProcessTest} for {@code LocalCluster}: with {@code
 * -Dbaton.test.link-role=target} it runs one Baton process registered with the receptionist; with
 * {@code watcher} it runs the {@link ProcessDeathDetector} and a trapping process that links to and
 * monitors every target it finds, and reports what reaches it.
 *
 * <p>Report lines, besides {@link ClusterEventReporter}'s: {@code LINKED <target node address>};
 * {@code LINK-EXIT-SIGNAL <reason> AT <epoch µs>} and {@code MONITOR-DOWN <reason> AT <epoch µs>}, where a
 * node loss reads {@code noconnection <address>}.
 */
public final class LinkNodeMain {

  static final ServiceKey<String> TARGET = ServiceKey.create(String.class, "link-target");

  private LinkNodeMain() {}

  private record Seen(Object signal) {}

  public static void main(String[] args) {
    HarnessLink.start(command -> HarnessLink.report("UNKNOWN-COMMAND " + command));
    NodeConfig node = NodeConfig.fromArguments(Arrays.asList(args));
    String role = System.getProperty("baton.test.link-role", "target");
    ActorSystem.create(guardian(role), node.clusterName(), node.toPekkoConfig());
  }

  private static Behavior<Void> guardian(String role) {
    return Behaviors.setup(context -> {
      context.spawn(ClusterEventReporter.create(), "cluster-event-reporter");
      if (role.equals("watcher")) {
        context.spawn(ProcessDeathDetector.create(ProcessDeathDetector.Settings.fromConfig(
            context.getSystem().settings().config())), "baton-death-detector");
        context.spawn(Links.trappingExits(watcher(), Seen::new), "watcher");
      } else {
        ActorRef<String> target = context.spawn(Links.linkable(Behaviors.<String>empty()), "target");
        context.getSystem().receptionist().tell(Receptionist.register(TARGET, target));
      }
      return Behaviors.empty();
    });
  }

  private static Behavior<Object> watcher() {
    return Behaviors.setup(context -> {
      context.getSystem().receptionist().tell(Receptionist.subscribe(TARGET,
          context.getSelf().narrow()));
      Set<ActorRef<String>> linked = new HashSet<>();
      return Behaviors.receiveMessage(message -> {
        if (message instanceof Receptionist.Listing listing) {
          for (ActorRef<String> target : listing.getServiceInstances(TARGET)) {
            if (linked.add(target)) {
              Links.link(context, target);
              Links.monitor(context, target, Seen::new);
              HarnessLink.report("LINKED " + target.path().address());
            }
          }
        } else if (message instanceof Seen seen && seen.signal() instanceof ExitSignal exit) {
          HarnessLink.report("LINK-EXIT-SIGNAL " + label(exit.reason()) + " AT " + nowMicros());
        } else if (message instanceof Seen seen && seen.signal() instanceof Down down) {
          HarnessLink.report("MONITOR-DOWN " + label(down.reason()) + " AT " + nowMicros());
        }
        return Behaviors.same();
      });
    });
  }

  static long nowMicros() {
    return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
  }

  private static String label(ExitReason reason) {
    return reason instanceof ExitReason.NodeDown down ? "noconnection " + down.address()
        : reason.toString();
  }
}
