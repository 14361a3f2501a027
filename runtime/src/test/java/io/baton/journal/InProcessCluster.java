package io.baton.journal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.baton.journal.replication.JournalReplication;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/**
 * Several cluster nodes in one JVM, each an actor system with its own artery port and journal
 * directory: quick to start, and real Pekko clustering and remoting between them. The
 * multi-process tests use real JVMs; this fixture covers the same protocol in seconds.
 */
public final class InProcessCluster implements AutoCloseable {

  private final Path root;
  private final String extraConfig;
  private final List<ActorTestKit> nodes = new ArrayList<>();
  private final java.util.Set<ActorTestKit> stopped = new java.util.HashSet<>();

  public InProcessCluster(Path root, String extraConfig) {
    this.root = root;
    this.extraConfig = extraConfig;
  }

  static Config nodeConfig(Path dir, int port, String extra) {
    return ConfigFactory.parseString(extra + "\n" + """
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical.hostname = "127.0.0.1"
        pekko.remote.artery.canonical.port = %d
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        pekko.cluster.downing-provider-class = ""
        pekko.coordinated-shutdown.terminate-actor-system = on
        pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
        pekko.cluster.run-coordinated-shutdown-when-down = off
        pekko.persistence.journal.plugin = "baton.journal"
        pekko.persistence.snapshot-store.plugin = "baton.snapshot-store"
        pekko.actor.serialization-bindings { "io.baton.journal.Counter$Json" = jackson-json }
        baton.journal.dir = "%s"
        pekko.loglevel = WARNING
        """.formatted(port, dir.toString().replace("\\", "/"))).withFallback(ConfigFactory.load());
  }

  /** Starts a node named {@code name} and joins it to the first node; returns its index. */
  public int start(String name) {
    return startAt(name, 0);
  }

  public int startAt(String name, int port) {
    ActorTestKit kit = ActorTestKit.create("baton",
        nodeConfig(root.resolve(name), port, extraConfig));
    Cluster cluster = Cluster.get(kit.system());
    Address seed = cluster.selfMember().address();
    for (ActorTestKit running : nodes) {
      if (!stopped.contains(running)) {
        seed = Cluster.get(running.system()).selfMember().address();
        break;
      }
    }
    cluster.manager().tell(Join.create(seed));
    JournalReplication.get(kit.system());
    nodes.add(kit);
    return nodes.size() - 1;
  }

  /** The data directory of a node (by name). */
  public Path directory(String name) {
    return root.resolve(name);
  }

  public ActorSystem<Void> system(int node) {
    return nodes.get(node).system();
  }

  public ActorTestKit kit(int node) {
    return nodes.get(node);
  }

  Address address(int node) {
    return Cluster.get(system(node)).selfMember().address();
  }

  JournalReplication replication(int node) {
    return JournalReplication.get(system(node));
  }

  /** Waits until every running node sees {@code count} members Up. */
  public void awaitUp(int count) {
    for (ActorTestKit kit : nodes) {
      if (stopped.contains(kit)) {
        continue;
      }
      TestProbe<Object> probe = kit.createTestProbe();
      probe.awaitAssert(Duration.ofSeconds(30), Duration.ofMillis(100), () -> {
        long up = java.util.stream.StreamSupport.stream(
                Cluster.get(kit.system()).state().getMembers().spliterator(), false)
            .filter(m -> m.status() == MemberStatus.up()).count();
        if (up != count) {
          throw new AssertionError(kit.system() + " sees " + up + " Up, waiting for " + count);
        }
        return null;
      });
    }
  }

  /** Stops a node's actor system (a clean stop; the others see it leave). */
  void stop(int node) {
    ActorTestKit kit = nodes.get(node);
    Cluster.get(kit.system()).manager().tell(
        org.apache.pekko.cluster.typed.Leave.create(address(node)));
    stopped.add(kit);
    kit.shutdownTestKit();
  }

  @Override
  public void close() {
    for (ActorTestKit kit : nodes) {
      try {
        kit.shutdownTestKit();
      } catch (RuntimeException ignored) {
        // already stopped
      }
    }
  }
}
