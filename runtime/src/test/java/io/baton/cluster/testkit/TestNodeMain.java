package io.baton.cluster.testkit;

import io.baton.runtime.NodeConfig;
import io.baton.runtime.NodeExit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Leave;

/**
 * A bare Baton node for {@link LocalCluster}: it joins the cluster its arguments name, reports
 * membership events ({@link ClusterEventReporter}) and obeys commands on standard input.
 *
 * <p>Usage: {@code java -cp <test classpath> io.baton.cluster.testkit.TestNodeMain --name=<name>
 * --port=<port> --seed=<address> --data-dir=<dir> [--host=<host>] [--cluster-name=<name>]} (the
 * flags of {@link NodeConfig#fromArguments}).
 *
 * <p>Report lines, besides the reporter's: {@code INCARNATION <n>} at start, where {@code n}
 * counts the starts of this node over its data directory (so a restart that kept the directory
 * says 2); {@code STARTED <address>} once the ActorSystem runs, or {@code START-FAILED <error>};
 * {@code TERMINATED <reason>} when it stopped, just before the process exits ({@code TERMINATED
 * <reason> (halted)} when its actor system did not finish terminating: {@link
 * NodeExit#guardTermination}).
 *
 * <p>Commands:
 *
 * <ul>
 *   <li>{@code members}: prints {@code MEMBERS a,b,c}, the addresses of the members this node sees
 *       Up, sorted;
 *   <li>{@code leave}: leaves the cluster gracefully; once removed the node stops and exits 0;
 *   <li>{@code down <address>}: downs that member;
 *   <li>{@code exit}: stops the node gracefully (leaving the cluster first) and exits 0.
 * </ul>
 *
 * <p>Exit status: 0 after {@code leave} or {@code exit}; {@link #EXIT_DOWNED} when the node stopped
 * without being asked (the cluster downed or removed it, or it was quarantined); {@link
 * #EXIT_START_FAILED} when it could not start; {@link HarnessLink#HARNESS_GONE} when the harness
 * went away.
 */
public final class TestNodeMain {

  /** The exit status of a node that stopped because the cluster downed or removed it. */
  public static final int EXIT_DOWNED = 2;

  /** The exit status of a node that could not start (bad arguments, port taken, ...). */
  public static final int EXIT_START_FAILED = 1;

  private static final AtomicBoolean stopRequested = new AtomicBoolean();

  private TestNodeMain() {}

  public static void main(String[] args) {
    // The link first: a harness that dies while this JVM starts must not leave it behind. A
    // command that arrives during start waits for the ActorSystem.
    CompletableFuture<ActorSystem<Void>> started = new CompletableFuture<>();
    HarnessLink.start(command -> obey(started.join(), command));
    try {
      NodeConfig node = NodeConfig.fromArguments(Arrays.asList(args));
      HarnessLink.report("INCARNATION " + nextIncarnation(node.dataDir()));
      ActorSystem<Void> system =
          ActorSystem.create(guardian(), node.clusterName(), node.toPekkoConfig());
      system
          .getWhenTerminated()
          .thenRun(
              () -> {
                boolean asked = stopRequested.get();
                HarnessLink.report("TERMINATED " + (asked ? "as asked" : "downed or removed"));
                Runtime.getRuntime().halt(asked ? 0 : EXIT_DOWNED);
              });
      // As a BatonNode: a system that never finishes terminating still ends the process.
      NodeExit.guardTermination(
          system,
          status -> {
            HarnessLink.report("TERMINATED "
                + (stopRequested.get() ? "as asked" : "downed or removed") + " (halted)");
            Runtime.getRuntime().halt(stopRequested.get() ? 0 : EXIT_DOWNED);
          });
      HarnessLink.report("STARTED " + Cluster.get(system).selfMember().address());
      started.complete(system);
    } catch (Throwable e) {
      HarnessLink.report("START-FAILED " + e);
      e.printStackTrace(System.out);
      System.out.flush();
      Runtime.getRuntime().halt(EXIT_START_FAILED);
    }
  }

  private static Behavior<Void> guardian() {
    return Behaviors.setup(
        context -> {
          context.spawn(ClusterEventReporter.create(), "cluster-event-reporter");
          return Behaviors.empty();
        });
  }

  private static void obey(ActorSystem<Void> system, String command) {
    Cluster cluster = Cluster.get(system);
    String[] words = command.split("\\s+");
    switch (words[0]) {
      case "members" -> HarnessLink.report("MEMBERS " + upMembers(cluster));
      case "leave" -> {
        stopRequested.set(true);
        cluster.manager().tell(Leave.create(cluster.selfMember().address()));
      }
      case "down" -> {
        if (words.length != 2) {
          throw new IllegalArgumentException("usage: down <address>");
        }
        cluster.manager().tell(new Down(AddressFromURIString.parse(words[1])));
      }
      case "exit" -> {
        stopRequested.set(true);
        CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason());
      }
      default -> HarnessLink.report("UNKNOWN-COMMAND " + command);
    }
  }

  private static String upMembers(Cluster cluster) {
    return StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
        .filter(member -> member.status() == MemberStatus.up())
        .map(Member::address)
        .sorted(Member.addressOrdering()::compare)
        .map(Object::toString)
        .collect(Collectors.joining(","));
  }

  /** Counts this start in the data directory and returns the count, 1 for the first start. */
  private static int nextIncarnation(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
      Path counter = dataDir.resolve("incarnation");
      int previous =
          Files.exists(counter)
              ? Integer.parseInt(Files.readString(counter, StandardCharsets.UTF_8).strip())
              : 0;
      Files.writeString(counter, Integer.toString(previous + 1), StandardCharsets.UTF_8);
      return previous + 1;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot count incarnations in " + dataDir, e);
    }
  }
}
