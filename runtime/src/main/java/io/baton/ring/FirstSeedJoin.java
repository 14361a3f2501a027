package io.baton.ring;

import io.baton.supervision.ChildSpec;
import io.baton.services.NodeServices;
import io.baton.serialization.ClusterSerializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the first node of a seed list joins without ever starting a second cluster beside a live
 * one.
 *
 * <p>Pekko's first seed node asks the other seeds to let it in and, when none answers within
 * {@code seed-node-timeout}, starts a new cluster of its own. A restarted first seed whose peers
 * are alive but slow to answer (a loaded machine, a new connection's handshake) then forms a
 * second cluster under the same name, which serves the same entities beside the first: two
 * writers, which no fencing inside one cluster can see (measured: a first seed restarted during a
 * rolling upgrade on a loaded 2-core machine started a cluster of its own 1.5 s after start).
 *
 * <p>Baton's rule instead: the first seed only asks to join the other seeds (Pekko's joining
 * process, which retries and never starts a cluster), and starts a new cluster only once it
 * knows that none of the other seeds is a member of one: each either refuses connections (no
 * process listens there) or answers that it is not a member ({@link #decide}). A seed that
 * accepts connections but does not answer (frozen, overloaded, an older Baton without the
 * question) keeps it waiting, with a warning every few seconds, however long: starting a
 * cluster beside a silent one is what this class exists to prevent. A cold start of every node
 * at once ends at once: every other seed answers "not a member".
 *
 * <p>The question goes to {@link #PROBE_NAME}, a system actor every Baton node runs from its
 * start ({@link #startProbe}), over Pekko remoting, before this node is a member.
 */
public final class FirstSeedJoin {

  private static final Logger LOG = LoggerFactory.getLogger(FirstSeedJoin.class);

  /** The system actor that answers whether its node is a member of a cluster. */
  public static final String PROBE_NAME = "baton-seed-probe";

  /** How often the other seeds are asked again while no decision is made. */
  static final Duration ROUND = Duration.ofMillis(500);
  /** How long one connection attempt or one question may take. */
  static final Duration PROBE_TIMEOUT = Duration.ofMillis(400);
  /** How often the wait is logged. */
  static final Duration WARN_EVERY = Duration.ofSeconds(5);

  private FirstSeedJoin() {}

  /** What one other seed said when asked. */
  public enum SeedState {
    /** Its port refused the connection: no process listens there. */
    REFUSED,
    /** Its node answered that it is not a member of any cluster (it is starting, or leaving). */
    NOT_MEMBER,
    /** Its node answered that it is a member: this node joins that cluster. */
    MEMBER,
    /** It accepted the connection but did not answer, or the connection timed out. */
    SILENT
  }

  /** What the first seed does after one round of questions. */
  public enum Decision {
    /** Start a new cluster: no other seed is, or can be, a member of one. */
    START_CLUSTER,
    /** Keep asking to join (a member will let this node in; a silent seed may be one). */
    WAIT
  }

  /**
   * The rule: start a new cluster only when every other seed refused the connection or answered
   * that it is not a member; otherwise wait.
   */
  public static Decision decide(Collection<SeedState> others) {
    for (SeedState state : others) {
      if (state == SeedState.MEMBER || state == SeedState.SILENT) {
        return Decision.WAIT;
      }
    }
    return Decision.START_CLUSTER;
  }

  // ------------------------------------------------------------------ the probe

  /** The probe's question. */
  public record Query(ActorRef<Answer> replyTo) implements ClusterSerializable {}

  /**
   * The probe's answer.
   *
   * @param node the answering node's address
   * @param member whether it is a member of a cluster that is not leaving it
   * @param status its own member status, for logs
   */
  public record Answer(String node, boolean member, String status) implements ClusterSerializable {}

  /** Starts the probe of this node; call once, before the node joins. */
  public static void startProbe(ActorSystem<?> system) {
    NodeServices.get(system).start(ChildSpec.worker(PROBE_NAME, FirstSeedJoin::probe));
  }

  private static Behavior<Query> probe() {
    return Behaviors.setup(context -> {
      org.apache.pekko.cluster.Cluster cluster =
          org.apache.pekko.cluster.Cluster.get(context.getSystem());
      return Behaviors.receiveMessage(query -> {
        Member self = cluster.selfMember();
        MemberStatus status = self.status();
        boolean member = !cluster.state().members().isEmpty()
            && !status.equals(MemberStatus.down()) && !status.equals(MemberStatus.removed())
            && !status.equals(MemberStatus.exiting());
        query.replyTo().tell(new Answer(cluster.selfAddress().toString(), member,
            status.toString()));
        return Behaviors.same();
      });
    });
  }

  // ------------------------------------------------------------------ the join

  /**
   * Joins {@code seeds}, of which this node is the first: asks the others to let it in, and
   * starts a new cluster only by {@link #decide}'s rule.
   */
  public static void join(ActorSystem<?> system, Address self, List<Address> seeds) {
    List<Address> others = new ArrayList<>(seeds);
    others.remove(self);
    Cluster.get(system).manager().tell(new JoinSeedNodes(others));
    // Transient: restarted if it fails, not once it has joined (or given up) and stopped.
    NodeServices.get(system).start(ChildSpec.worker("first-seed-join", () -> driver(self, others))
        .withRestart(io.baton.supervision.RestartType.TRANSIENT));
  }

  private sealed interface Command {}

  private record Round() implements Command {}

  private record Asked(Map<Address, SeedState> states) implements Command {}

  private static Behavior<Command> driver(Address self, List<Address> others) {
    return Behaviors.setup(context -> {
      Cluster cluster = Cluster.get(context.getSystem());
      org.apache.pekko.cluster.Cluster classic = org.apache.pekko.cluster.Cluster.get(
          org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(context.getSystem()));
      Executor blocking = context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
      long started = System.nanoTime();
      long[] lastWarning = {started};
      context.getSelf().tell(new Round());
      return Behaviors.withTimers(timers -> Behaviors.receive(Command.class)
          .onMessage(Round.class, round -> {
            if (!classic.state().members().isEmpty()) {
              return Behaviors.stopped();
            }
            context.pipeToSelf(askAll(context, others, blocking),
                (states, failure) -> new Asked(failure == null ? states : Map.of()));
            return Behaviors.same();
          })
          .onMessage(Asked.class, asked -> {
            if (!classic.state().members().isEmpty()) {
              return Behaviors.stopped();
            }
            if (asked.states().size() == others.size()
                && decide(asked.states().values()) == Decision.START_CLUSTER) {
              LOG.info("No other seed node is a member of a cluster ({}): starting a new cluster",
                  asked.states());
              cluster.manager().tell(Join.create(self));
              return Behaviors.stopped();
            }
            long now = System.nanoTime();
            if (now - lastWarning[0] >= WARN_EVERY.toNanos()) {
              lastWarning[0] = now;
              LOG.warn("Waiting {} s to join the cluster of the other seed nodes ({}). This node"
                  + " starts a new cluster only once none of them is a member of one; if a seed"
                  + " that accepts connections is stuck, stop it.",
                  Duration.ofNanos(now - started).toSeconds(), asked.states());
            }
            timers.startSingleTimer(new Round(), ROUND);
            return Behaviors.same();
          })
          .build());
    });
  }

  private static CompletionStage<Map<Address, SeedState>> askAll(
      ActorContext<Command> context, List<Address> others, Executor blocking) {
    Map<Address, CompletableFuture<SeedState>> asked = new LinkedHashMap<>();
    for (Address seed : others) {
      asked.put(seed, ask(context.getSystem(), seed, blocking).toCompletableFuture());
    }
    return CompletableFuture.allOf(asked.values().toArray(CompletableFuture[]::new))
        .thenApply(done -> {
          Map<Address, SeedState> states = new LinkedHashMap<>();
          asked.forEach((seed, state) -> states.put(seed, state.join()));
          return states;
        });
  }

  private static CompletionStage<SeedState> ask(ActorSystem<?> system, Address seed,
      Executor blocking) {
    if (seed.host().isEmpty() || seed.port().isEmpty()) {
      return CompletableFuture.completedFuture(SeedState.SILENT);
    }
    String host = seed.host().get();
    int port = (Integer) seed.port().get();
    return CompletableFuture
        .supplyAsync(() -> ProcessDeathDetector.probe(host, port, PROBE_TIMEOUT), blocking)
        .thenCompose(verdict -> {
          if (verdict == ProcessDeathDetector.Verdict.DEAD) {
            return CompletableFuture.completedFuture(SeedState.REFUSED);
          }
          if (verdict != ProcessDeathDetector.Verdict.ALIVE) {
            return CompletableFuture.completedFuture(SeedState.SILENT);
          }
          ActorRef<Query> probe = org.apache.pekko.actor.typed.ActorRefResolver.get(system)
              .resolveActorRef(seed + NodeServices.path(PROBE_NAME));
          return AskPattern.<Query, Answer>ask(probe, Query::new, PROBE_TIMEOUT,
                  system.scheduler())
              .handle((answer, failure) -> failure != null ? SeedState.SILENT
                  : answer.member() ? SeedState.MEMBER : SeedState.NOT_MEMBER);
        });
  }
}
