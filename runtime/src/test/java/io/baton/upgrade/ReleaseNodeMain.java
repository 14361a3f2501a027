package io.baton.upgrade;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.baton.cluster.testkit.ClusterEventReporter;
import io.baton.cluster.testkit.HarnessLink;
import io.baton.runtime.BatonNode;
import io.baton.runtime.NodeConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * A {@link BatonNode} running release 1 or release 2 of the {@link Ledger}, for {@code
 * JoinRefusalProcessTest}. Its release comes from {@code --releases=node1:2,node2:1,...} (its own
 * {@code --name} picks the entry; the other flags are {@link NodeConfig#fromArguments}'s). Reports
 * {@code STARTED <address>}, then {@code ACTIVE <class> <version>} each time its gate's decision
 * for the deposit changes, and {@code TERMINATED} before it halts with status 2 when its actor
 * system terminates (a refused node does).
 */
public final class ReleaseNodeMain {

  private static final String DEPOSITED = Ledger.V1.Deposited.class.getName();

  private ReleaseNodeMain() {}

  public static void main(String[] args) {
    List<String> flags = new ArrayList<>();
    String releases = "";
    String name = "";
    for (String arg : args) {
      if (arg.startsWith("--releases=")) {
        releases = arg.substring("--releases=".length());
      } else {
        flags.add(arg);
        if (arg.startsWith("--name=")) {
          name = arg.substring("--name=".length());
        }
      }
    }
    int release = 1;
    for (String entry : releases.split(",")) {
      String[] parts = entry.split(":");
      if (parts[0].equals(name)) {
        release = Integer.parseInt(parts[1]);
      }
    }
    Config application = ConfigFactory.parseString(
        (release == 2 ? Ledger.RELEASE_2 : Ledger.RELEASE_1)
            + "\nbaton.upgrade.classes = [\"" + DEPOSITED + "\"]\n"
            + "baton.upgrade.gate.interval = 300ms\n");
    HarnessLink.start(line -> { });
    BatonNode node = BatonNode.start(NodeConfig.fromArguments(flags), application);
    node.system().getWhenTerminated().thenRun(() -> {
      HarnessLink.report("TERMINATED");
      Runtime.getRuntime().halt(2);
    });
    node.system().systemActorOf(ClusterEventReporter.create(), "cluster-event-reporter",
        Props.empty());
    String self = Cluster.get(node.system()).selfMember().address().toString();
    HarnessLink.report("STARTED " + self + " release " + release);
    Integer[] last = {null};
    node.system().scheduler().scheduleAtFixedRate(Duration.ofMillis(200), Duration.ofMillis(200),
        () -> {
          Integer now = SchemaVersions.get(node.system()).activeVersions()
              instanceof GatedVersions gated ? gated.decided().get(DEPOSITED) : null;
          if (now != null && !now.equals(last[0])) {
            last[0] = now;
            HarnessLink.report("ACTIVE " + DEPOSITED + " " + now);
          }
        }, node.system().executionContext());
  }
}
