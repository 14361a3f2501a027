package io.baton.ring;

import com.typesafe.config.Config;
import io.baton.process.NodeLoss;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.remote.RemoteActorRefProvider;
import scala.Option;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downs a member at once when its process is certainly gone: its host refuses a TCP connection to
 * its remoting port. Silence is not certainty, so a probe that times out (a frozen or cut-off
 * process, a lost packet) does nothing and leaves the member to the failure detector and the Split
 * Brain Resolver. See {@code docs/decisions/0009-fast-takeover.md} for why acting on a refusal is
 * safe.
 *
 * <h2>How it works</h2>
 * Every {@code interval} the actor reads the cluster state and, for each member in {@link
 * Scope scope} (the members some node marked unreachable, or every other member) with no probe
 * in flight, opens a TCP connection to the member's host and artery port on Pekko's blocking-IO
 * dispatcher, with {@code connect-timeout}, and closes it at once. The result comes back as a
 * message; {@link #classify} turns it into a {@link Verdict}. {@link Verdict#DEAD} sends {@code
 * Down(address)} to the cluster manager and quarantines the dead incarnation (its UID), which
 * marks it terminated in the cluster's reachability table: the leader removes a Down member only
 * once it is unreachable or terminated, so without this the removal would still wait for the
 * failure detector. It also reports the loss through {@link NodeLoss#processGone}, so that every
 * link and monitor on a process of that node fires at once with {@code noconnection} ({@code
 * ExitReason.NodeDown}) rather than when the member is removed. Only the actor touches its state
 * (probes in flight, the last verdict per member, for logging changes only).
 *
 * <p>A refused connection means no process listens on that port of that host: the member's
 * ActorSystem, which bound it for its whole life, is gone. If a new incarnation has bound the port
 * again the probe connects and nothing is downed (Pekko replaces the old incarnation when the new
 * one joins). The assumption is written down: nothing on the path between the nodes rejects
 * connections on the process's behalf (a firewall REJECT rule would look like a dead process).
 */
public final class ProcessDeathDetector {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessDeathDetector.class);

  /** Where its settings live. */
  public static final String PATH = "baton.ring.death-detector";

  private ProcessDeathDetector() {}

  /** What one probe says about a member's process. */
  public enum Verdict {
    /** The connection was accepted: a process listens on the port. */
    ALIVE,
    /** The host refused the connection: no process listens; certain. */
    DEAD,
    /** No answer within the timeout: frozen, overloaded or cut off; uncertain. */
    SILENT,
    /** Any other failure (no route to host, ...): uncertain. */
    UNKNOWN
  }

  /** Which members are probed. */
  public enum Scope {
    /** Members that some node marked unreachable: no probe traffic while all is well. */
    UNREACHABLE,
    /** Every other member, every round: detection no longer waits for the failure detector. */
    ALL
  }

  /** The detector's settings, {@code baton.ring.death-detector} in reference.conf. */
  public record Settings(boolean enabled, Duration interval, Duration connectTimeout, Scope scope) {
    public Settings {
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException(PATH + ".interval = " + interval + " must be positive");
      }
      if (connectTimeout.isNegative() || connectTimeout.isZero()) {
        throw new IllegalArgumentException(
            PATH + ".connect-timeout = " + connectTimeout + " must be positive");
      }
    }

    public static Settings fromConfig(Config config) {
      Config c = config.getConfig(PATH);
      String scope = c.getString("probe");
      Scope parsed;
      switch (scope) {
        case "unreachable" -> parsed = Scope.UNREACHABLE;
        case "all" -> parsed = Scope.ALL;
        default -> throw new IllegalArgumentException(
            PATH + ".probe = '" + scope + "' is not allowed: use unreachable or all");
      }
      return new Settings(
          c.getBoolean("enabled"), c.getDuration("interval"), c.getDuration("connect-timeout"),
          parsed);
    }
  }

  /** The actor's messages; all are its own. */
  public sealed interface Command {}

  private record Tick() implements Command {}

  private record Probed(Address member, long uid, Verdict verdict, String detail)
      implements Command {}

  /**
   * The verdict of a connection attempt: {@code null} means it connected. A refusal ({@link
   * ConnectException}) is {@link Verdict#DEAD}; a timeout is {@link Verdict#SILENT}; anything else
   * is {@link Verdict#UNKNOWN}.
   */
  public static Verdict classify(Throwable failure) {
    if (failure == null) {
      return Verdict.ALIVE;
    }
    if (failure instanceof SocketTimeoutException) {
      return Verdict.SILENT;
    }
    // ConnectException is "Connection refused"; its subclasses-in-spirit NoRouteToHostException
    // and friends are SocketExceptions, not ConnectExceptions, and stay uncertain.
    if (failure instanceof ConnectException) {
      return Verdict.DEAD;
    }
    return Verdict.UNKNOWN;
  }

  /** One probe: connects to {@code host:port} and closes the connection at once. Blocks. */
  public static Verdict probe(String host, int port, Duration timeout) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
      return Verdict.ALIVE;
    } catch (IOException e) {
      return classify(e);
    }
  }

  /** The detector; spawn one per node (a disabled one does nothing). */
  public static Behavior<Command> create(Settings settings) {
    if (!settings.enabled()) {
      return Behaviors.empty();
    }
    return Behaviors.setup(context -> {
      Cluster cluster = Cluster.get(context.getSystem());
      RemoteActorRefProvider remoting =
          Adapter.toClassic(context.getSystem()) instanceof ExtendedActorSystem extended
                  && extended.provider() instanceof RemoteActorRefProvider remote
              ? remote
              : null;
      Executor blocking =
          context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
      Set<Address> inFlight = new HashSet<>();
      Map<Address, Verdict> last = new HashMap<>();
      Set<Address> downed = new HashSet<>();
      return Behaviors.withTimers(timers -> {
        timers.startTimerWithFixedDelay(new Tick(), settings.interval());
        return Behaviors.receive(Command.class)
            .onMessage(Tick.class, tick -> {
              Address self = cluster.selfMember().address();
              for (Member member : targets(cluster.state(), settings.scope())) {
                Address address = member.address();
                if (address.equals(self) || inFlight.contains(address)
                    || downed.contains(address) || address.host().isEmpty()
                    || address.port().isEmpty()) {
                  continue;
                }
                inFlight.add(address);
                String host = address.host().get();
                int port = (Integer) address.port().get();
                context.pipeToSelf(
                    CompletableFuture.supplyAsync(
                        () -> probe(host, port, settings.connectTimeout()), blocking),
                    (verdict, error) -> new Probed(address, member.uniqueAddress().longUid(),
                        error == null ? verdict : Verdict.UNKNOWN,
                        error == null ? "" : error.toString()));
              }
              // Forget what no longer is a member.
              Set<Address> members = new HashSet<>();
              cluster.state().getMembers().forEach(m -> members.add(m.address()));
              last.keySet().retainAll(members);
              downed.retainAll(members);
              return Behaviors.same();
            })
            .onMessage(Probed.class, probed -> {
              inFlight.remove(probed.member());
              Verdict previous = last.put(probed.member(), probed.verdict());
              if (probed.verdict() == Verdict.DEAD) {
                LOG.warn("Member {} refused a connection to its remoting port: its process is"
                    + " gone. Downing it now so that its shards move.", probed.member());
                downed.add(probed.member());
                // Links and monitors on that node's processes fire now (noconnection), not when
                // the cluster removes the member.
                NodeLoss.processGone(context.getSystem(), probed.member(),
                    "its remoting port refused a connection");
                cluster.manager().tell(new Down(probed.member()));
                // Down alone is not enough: the leader removes a Down member only once it is
                // unreachable, i.e. after the failure detector's ~3 s. Quarantining the dead
                // incarnation (its UID) marks it terminated at once, so it is removed and its
                // shards move now. Only that UID is refused; a new incarnation may join.
                if (remoting != null) {
                  remoting.quarantine(probed.member(), Option.apply((Object) probed.uid()),
                      "Baton: the process is gone (its remoting port refused a connection)");
                }
              } else if (previous != probed.verdict()) {
                LOG.info("Member {} probed {}{}: {}", probed.member(), probed.verdict(),
                    probed.detail().isEmpty() ? "" : " (" + probed.detail() + ")",
                    probed.verdict() == Verdict.ALIVE
                        ? "its process listens"
                        : "uncertain, left to the failure detector and the Split Brain Resolver");
              }
              return Behaviors.same();
            })
            .build();
      });
    });
  }

  private static List<Member> targets(ClusterEvent.CurrentClusterState state, Scope scope) {
    Iterable<Member> candidates =
        scope == Scope.UNREACHABLE ? state.getUnreachable() : state.getMembers();
    List<Member> result = new java.util.ArrayList<>();
    for (Member member : candidates) {
      MemberStatus status = member.status();
      if (!status.equals(MemberStatus.down()) && !status.equals(MemberStatus.removed())) {
        result.add(member);
      }
    }
    return result;
  }
}
