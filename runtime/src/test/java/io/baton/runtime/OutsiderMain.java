package io.baton.runtime;

import io.baton.cluster.testkit.ClusterEventReporter;
import io.baton.cluster.testkit.HarnessLink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;

/**
 * A process outside the cluster for {@link TransportSecurityProcessTest}, doing what issue 11's
 * attacker did: it asks to join the node {@code --target=<address>} names (as its only seed) and
 * sends that node's {@link Guestbook} region {@code sign <entity> <note>} notes straight over
 * Artery, without ever being a member. Its other flags are {@link NodeConfig#fromArguments}'s
 * (LocalCluster's own {@code --seed} is replaced by the target); its transport security comes
 * from {@code -Dbaton.node.tls.*}, like a node's.
 *
 * <p>Reports: {@code OUTSIDER-STARTED <address>}, cluster events ({@link ClusterEventReporter}),
 * {@code OUTSIDER-SENT <n>} after each note. Command: {@code sign <entity> <note>}.
 */
public final class OutsiderMain {

  private OutsiderMain() {}

  public static void main(String[] args) {
    String target = null;
    List<String> flags = new ArrayList<>();
    for (String arg : args) {
      if (arg.startsWith("--target=")) {
        target = arg.substring("--target=".length());
      } else if (!arg.startsWith("--seed=")) {
        flags.add(arg);
      }
    }
    if (target == null) {
      throw new IllegalArgumentException("usage: OutsiderMain --target=<node address> ...");
    }
    flags.add("--seed=" + target);
    String region = target + "/system/sharding/" + Guestbook.KEY.name();
    AtomicInteger sent = new AtomicInteger();
    NodeConfig node = NodeConfig.fromArguments(flags);
    ActorSystem<Void> system = ActorSystem.create(
        Behaviors.setup(context -> {
          context.spawn(ClusterEventReporter.create(), "cluster-event-reporter");
          return Behaviors.empty();
        }),
        node.clusterName(), node.toPekkoConfig());
    HarnessLink.start(command -> {
      String[] words = command.split("\\s+");
      if (!words[0].equals("sign")) {
        HarnessLink.report("UNKNOWN-COMMAND " + command);
        return;
      }
      // The region's path on the target, as a member would address it; a classic selection
      // needs no membership, only a transport that carries the message.
      Adapter.toClassic(system).actorSelection(region).tell(
          new ShardingEnvelope<>(words[1], new Guestbook.Sign(words[2], null)),
          org.apache.pekko.actor.ActorRef.noSender());
      HarnessLink.report("OUTSIDER-SENT " + sent.incrementAndGet());
    });
    AddressFromURIString.parse(target); // fails early on a malformed target
    HarnessLink.report("OUTSIDER-STARTED " + node.name());
  }
}
