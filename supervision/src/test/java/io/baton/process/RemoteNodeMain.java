package io.baton.process;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.JoinSeedNodes;

/**
 * The second JVM of {@link CrossNodeLinkTest}: joins the test's cluster, starts one Baton process
 * (not trapping exits) and registers it with the receptionist under {@link #TARGET_KEY}, then waits
 * to be killed.
 *
 * <p>Usage: {@code java -cp <test classpath> io.baton.process.RemoteNodeMain <seed-node-address>}.
 *
 * <p>It never outlives the test: it halts when its standard input reaches end of file (the test
 * JVM holds the other end of the pipe, which the kernel closes when that JVM dies, however it
 * dies) or when its parent process exits.
 */
public final class RemoteNodeMain {

  /** The cluster's name: both JVMs must use the same one. */
  public static final String SYSTEM_NAME = "CrossNode";

  /** What the remote process answers to; bound to jackson-json by {@link #clusterConfig()}. */
  public sealed interface Command {}

  /** Makes the remote process crash: an {@link IllegalStateException} with this message escapes. */
  public record Crash(String message) implements Command {}

  /** The receptionist key the remote process is registered under. */
  public static final ServiceKey<Command> TARGET_KEY = ServiceKey.create(Command.class, "target");

  private RemoteNodeMain() {}

  /**
   * The configuration of both nodes: a cluster on 127.0.0.1 with a port the OS picks, and downing
   * by the Split Brain Resolver (Pekko downs nobody without one).
   *
   * <p>keep-oldest keeps the partition with the oldest member, the test JVM, which always starts
   * first; with two nodes it survives alone even with {@code down-if-alone}, which only lets an
   * alone oldest go when at least two nodes remain on the other side. The failure detector is
   * tuned for a loopback LAN but keeps a 2 s heartbeat pause: below about 1 s, JVM start-up on two
   * cores produces false unreachability. Expected loss detection: about 3-4 s to unreachable,
   * {@code stable-after} 2 s to down, one leader tick to removal.
   */
  public static Config clusterConfig() {
    return ConfigFactory.parseString(
            """
            pekko {
              loggers = ["org.apache.pekko.event.slf4j.Slf4jLogger"]
              logging-filter = "org.apache.pekko.event.slf4j.Slf4jLoggingFilter"
              loglevel = INFO
              actor {
                provider = cluster
                serialization-bindings {
                  "io.baton.process.RemoteNodeMain$Command" = jackson-json
                }
              }
              remote.artery {
                transport = tcp
                canonical.hostname = "127.0.0.1"
                canonical.port = 0
              }
              cluster {
                downing-provider-class = "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider"
                split-brain-resolver {
                  active-strategy = keep-oldest
                  keep-oldest.down-if-alone = on
                  stable-after = 2s
                }
                failure-detector {
                  heartbeat-interval = 500ms
                  acceptable-heartbeat-pause = 2s
                }
                jmx.enabled = off
              }
            }
            """)
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: RemoteNodeMain <seed-node-address>");
      System.exit(2);
    }
    haltWhenParentGoes();
    var seed = AddressFromURIString.parse(args[0]);
    ActorSystem<Void> system = ActorSystem.create(guardian(seed), SYSTEM_NAME, clusterConfig());
    System.out.println(
        "remote node pid " + ProcessHandle.current().pid() + " at " + system.address());
  }

  private static Behavior<Void> guardian(org.apache.pekko.actor.Address seed) {
    return Behaviors.setup(
        context -> {
          Cluster.get(context.getSystem()).manager().tell(new JoinSeedNodes(List.of(seed)));
          var target = context.spawn(Links.linkable(target()), "target");
          context.getSystem().receptionist().tell(Receptionist.register(TARGET_KEY, target));
          return Behaviors.empty();
        });
  }

  private static Behavior<Command> target() {
    return Behaviors.receive(Command.class)
        .onMessage(
            Crash.class,
            crash -> {
              throw new IllegalStateException(crash.message());
            })
        .build();
  }

  /** Halts this JVM once the test JVM that started it is gone. */
  public static void haltWhenParentGoes() {
    Thread stdinWatch =
        new Thread(
            () -> {
              try (InputStream in = System.in) {
                while (in.read() != -1) {
                  // the test writes nothing; only the end of the stream matters
                }
              } catch (IOException e) {
                // a broken pipe means the same as end of file
              }
              System.err.println("remote node: parent's pipe closed, halting");
              Runtime.getRuntime().halt(3);
            },
            "parent-stdin-watch");
    stdinWatch.setDaemon(true);
    stdinWatch.start();
    ProcessHandle.current()
        .parent()
        .ifPresent(
            parent ->
                parent
                    .onExit()
                    .thenRun(
                        () -> {
                          System.err.println("remote node: parent exited, halting");
                          Runtime.getRuntime().halt(3);
                        }));
  }
}
