package io.baton.benchmarks.journal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.baton.journal.replication.JournalReplication;
import io.baton.journal.store.JournalStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SpawnProtocol;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.slf4j.LoggerFactory;

/**
 * The actor systems of one target: the <em>writer</em>, where the entities and drivers run, and
 * for the replicated Baton targets a second cluster node, the writer's ring successor, which
 * holds the replica. Both nodes live in this JVM (as in the runtime's {@code InProcessCluster}
 * test fixture), each an actor system named {@code baton} with its own Artery port on 127.0.0.1
 * and its own journal directory; they talk over real TCP on loopback.
 *
 * <p>Only the settings a user must set are set: the journal plugin, the data directory, the
 * replication mode and factor, the database URL. Everything else is each plugin's default, fsync
 * on included.
 */
final class BenchNodes implements AutoCloseable {

  static {
    // Initialise logging before any actor system logs from its own threads.
    LoggerFactory.getILoggerFactory();
  }

  static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final List<ActorSystem<SpawnProtocol.Command>> systems;

  private BenchNodes(List<ActorSystem<SpawnProtocol.Command>> systems) {
    this.systems = systems;
  }

  static BenchNodes start(BenchSettings settings) throws InterruptedException {
    JournalTarget target = settings.target();
    List<ActorSystem<SpawnProtocol.Command>> systems = new ArrayList<>();
    switch (target) {
      case BATON_SYNC, BATON_ASYNC -> {
        String mode = target == JournalTarget.BATON_SYNC ? "sync" : "async";
        for (String node : List.of("a", "b")) {
          systems.add(ActorSystem.create(SpawnProtocol.create(), "baton",
              ConfigFactory.load(clusterNode(batonNode(settings.workDir().resolve(node), mode,
                  2)))));
        }
        Cluster first = Cluster.get(systems.get(0));
        for (ActorSystem<SpawnProtocol.Command> system : systems) {
          Cluster.get(system).manager().tell(Join.create(first.selfMember().address()));
          JournalReplication.get(system);
        }
        awaitRing(systems);
      }
      case BATON_R1 -> systems.add(ActorSystem.create(SpawnProtocol.create(), "baton",
          ConfigFactory.load(batonNode(settings.workDir().resolve("a"), "sync", 1))));
      case JDBC -> systems.add(ActorSystem.create(SpawnProtocol.create(), "jdbc",
          ConfigFactory.load(jdbcNode(settings))));
      default -> throw new IllegalStateException("unknown target " + target);
    }
    return new BenchNodes(systems);
  }

  // Each node's settings are overrides, merged by ConfigFactory.load(overrides) with the
  // *unresolved* reference.conf files before substitutions are resolved: so that the snapshot
  // store's `dir = ${baton.journal.dir}` follows this node's directory. (Falling back on an
  // already loaded ConfigFactory.load() would leave it at the default "data/baton", shared by
  // both nodes.)
  private static Config common() {
    return ConfigFactory.parseString("""
        pekko {
          loggers = ["org.apache.pekko.event.slf4j.Slf4jLogger"]
          logging-filter = "org.apache.pekko.event.slf4j.Slf4jLoggingFilter"
          loglevel = WARNING
          stdout-loglevel = WARNING
          actor.serialization-bindings {
            "io.baton.benchmarks.journal.BenchCounter$Json" = jackson-json
          }
        }
        """);
  }

  private static Config batonNode(Path dir, String mode, int factor) {
    return ConfigFactory.parseString("""
            pekko.persistence.journal.plugin = "baton.journal"
            pekko.persistence.snapshot-store.plugin = "baton.snapshot-store"
            baton.journal.fsync = on
            baton.journal.replication.mode = %s
            baton.journal.replication.factor = %d
            """.formatted(mode, factor))
        .withValue("baton.journal.dir", ConfigValueFactory.fromAnyRef(dir.toString()))
        .withFallback(common());
  }

  private static Config clusterNode(Config node) {
    return ConfigFactory.parseString("""
            pekko.actor.provider = cluster
            pekko.remote.artery.canonical.hostname = "127.0.0.1"
            pekko.remote.artery.canonical.port = 0
            pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
            pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
            """)
        .withFallback(node);
  }

  private static Config jdbcNode(BenchSettings settings) {
    return ConfigFactory.parseString("""
            pekko.persistence.journal.plugin = "jdbc-journal"
            pekko.persistence.snapshot-store.plugin = "jdbc-snapshot-store"
            jdbc-journal.use-shared-db = "slick"
            jdbc-snapshot-store.use-shared-db = "slick"
            pekko-persistence-jdbc.shared-databases.slick {
              profile = "slick.jdbc.PostgresProfile$"
              db.driver = "org.postgresql.Driver"
            }
            """)
        .withValue("pekko-persistence-jdbc.shared-databases.slick.db.url",
            ConfigValueFactory.fromAnyRef(settings.jdbcUrl()))
        .withValue("pekko-persistence-jdbc.shared-databases.slick.db.user",
            ConfigValueFactory.fromAnyRef(settings.jdbcUser()))
        .withValue("pekko-persistence-jdbc.shared-databases.slick.db.password",
            ConfigValueFactory.fromAnyRef(settings.jdbcPassword()))
        .withFallback(common());
  }

  /** Waits until both nodes are Up on both sides and the writer replicates to the other. */
  private static void awaitRing(List<ActorSystem<SpawnProtocol.Command>> systems)
      throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      boolean ready = systems.stream().allMatch(system ->
          StreamSupport.stream(Cluster.get(system).state().getMembers().spliterator(), false)
              .filter(member -> member.status() == MemberStatus.up()).count() == systems.size())
          && JournalReplication.get(systems.get(0)).replicaTargets().size() == 1;
      if (ready) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the 2-node cluster did not form within " + TIMEOUT
            + "; see the log above");
      }
      Thread.sleep(50);
    }
  }

  /** The node where entities and drivers run. */
  ActorSystem<SpawnProtocol.Command> writer() {
    return systems.get(0);
  }

  /** The store of the writer's ring successor, for the replicated targets. */
  Optional<JournalStore> replicaStore() {
    return systems.size() < 2 ? Optional.empty()
        : Optional.of(JournalReplication.get(systems.get(1)).store());
  }

  /** The replication of the writer node. */
  JournalReplication writerReplication() {
    return JournalReplication.get(writer());
  }

  /** Spawns a top-level actor on the writer and waits until it exists. */
  <T> ActorRef<T> spawn(Behavior<T> behavior, String name) {
    return ask(writer(),
        replyTo -> new SpawnProtocol.Spawn<>(behavior, name, Props.empty(), replyTo));
  }

  /** Asks {@code target} and waits for the answer. */
  <Q, A> A ask(ActorRef<Q> target, Function<ActorRef<A>, Q> request) {
    try {
      return AskPattern.<Q, A>ask(target, request::apply, TIMEOUT, writer().scheduler())
          .toCompletableFuture()
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking " + target.path(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("no answer from " + target.path() + " within " + TIMEOUT
          + ": the journal failed or stalled, see the log above", e);
    }
  }

  /**
   * Stops the nodes one after the other, each through its coordinated shutdown (a cluster node
   * leaves the cluster first), so that no node sees its peer's connection cut mid-stream.
   */
  @Override
  public void close() throws InterruptedException {
    for (ActorSystem<SpawnProtocol.Command> system : systems) {
      try {
        CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.clusterLeavingReason())
            .toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        system.getWhenTerminated().toCompletableFuture().get(TIMEOUT.toSeconds(),
            TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        throw new IllegalStateException(system + " did not terminate within " + TIMEOUT, e);
      }
    }
  }
}
