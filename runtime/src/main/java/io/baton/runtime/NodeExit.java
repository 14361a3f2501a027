package io.baton.runtime;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a node's process ends. {@link #statusFor} is the exit status that says why the node stopped
 * ({@link BatonNode#exitWhenTerminated()}). {@link #guardTermination} guarantees that the process
 * of a stopping node ends: once its coordinated shutdown (for any reason: SIGTERM, a leave,
 * downing) reaches its last phases, a daemon thread waits for the actor system to terminate and,
 * if it has not within the {@code actor-system-terminate} phase's timeout plus {@link #MARGIN},
 * logs why and halts the JVM with the stop's exit status.
 *
 * <p>It changes nothing when termination works: the application's own handling of {@code
 * getWhenTerminated} runs first, and the daemon thread keeps no JVM alive. Halting is safe for the
 * journal: it acknowledges only what is on disk, the guarantee that survives {@code kill -9}. See
 * {@code baton.node.exit} in {@code reference.conf}.
 */
public final class NodeExit {

  /** Beyond the phase timeout: Pekko logs the timeout and finishes its own shutdown first. */
  static final Duration MARGIN = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(NodeExit.class);

  /** A stop that was asked for: SIGTERM (JVM exit), {@link BatonNode#close()}, a leave. */
  static final int ASKED = 0;
  /** Any other reason (a shutdown the application ran with a reason of its own). */
  static final int OTHER = 1;

  private NodeExit() {}

  /**
   * The exit status for the reason of the node's coordinated shutdown (none: asked for); {@code
   * byCluster} ({@code baton.node.exit.stopped-by-cluster-status}) when the cluster stopped the node:
   * downed, its join refused, or it could not join in time.
   */
  static int statusFor(Optional<CoordinatedShutdown.Reason> reason, int byCluster) {
    if (reason.isEmpty()) {
      return ASKED;
    }
    CoordinatedShutdown.Reason r = reason.get();
    if (r.equals(CoordinatedShutdown.jvmExitReason())
        || r.equals(CoordinatedShutdown.actorSystemTerminateReason())
        || r.equals(CoordinatedShutdown.clusterLeavingReason())
        || r.equals(CoordinatedShutdown.unknownReason())) {
      return ASKED;
    }
    if (r.equals(CoordinatedShutdown.clusterDowningReason())
        || r.equals(CoordinatedShutdown.clusterJoinUnsuccessfulReason())
        || r.equals(CoordinatedShutdown.incompatibleConfigurationDetectedReason())) {
      return byCluster;
    }
    return OTHER;
  }

  /**
   * Halts the JVM once the node's actor system terminated, with {@link #statusFor} its reason, and
   * makes SIGTERM exit with {@link #ASKED}: the JVM's own handler exits with 143 (128 + 15), which
   * supervisors read as a failure. The exit still runs the shutdown hooks (Pekko's coordinated
   * shutdown among them).
   */
  static void haltWhenTerminated(ActorSystem<?> system) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> System.exit(ASKED));
    } catch (IllegalArgumentException noSuchSignal) {
      // A platform without SIGTERM: the JVM's default handling stays.
    }
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    int byCluster = byClusterStatus(system);
    system.getWhenTerminated().thenRun(
        () -> Runtime.getRuntime().halt(statusFor(shutdown.getShutdownReason(), byCluster)));
  }

  /**
   * Makes sure the process of a stopping node ends: when its configuration turns the guard on
   * ({@code baton.node.exit.halt-if-not-terminated}) and its actor system has not terminated
   * within the {@code actor-system-terminate} phase's timeout plus {@link #MARGIN} after the
   * coordinated shutdown reached that phase, logs why and calls {@code halt} with the stop's exit
   * status ({@link #statusFor}). {@link BatonNode} installs it with {@code Runtime.halt}; a
   * process that runs a bare actor system on a node's configuration can install it with a halt of
   * its own (which must end the JVM).
   */
  public static void guardTermination(ActorSystem<?> system, IntConsumer halt) {
    if (!system.settings().config().getBoolean("baton.node.exit.halt-if-not-terminated")) {
      return;
    }
    int byCluster = byClusterStatus(system);
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    Duration wait = Duration.ofMillis(
        shutdown.timeout(CoordinatedShutdown.PhaseActorSystemTerminate()).toMillis()).plus(MARGIN);
    shutdown.addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
        "baton-node-exit-guard", () -> {
          int status = statusFor(shutdown.getShutdownReason(), byCluster);
          Thread guard = new Thread(() -> haltUnlessTerminated(system, wait, status, halt),
              "baton-node-exit-guard");
          guard.setDaemon(true);
          guard.start();
          return CompletableFuture.completedFuture(Done.getInstance());
        });
  }

  private static void haltUnlessTerminated(
      ActorSystem<?> system, Duration wait, int status, IntConsumer halt) {
    try {
      system.getWhenTerminated().toCompletableFuture().get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException stuck) {
      log.error("This node is stopping and its actor system has not terminated within {}: halting"
          + " the JVM with exit status {} (baton.node.exit.halt-if-not-terminated). Nothing"
          + " acknowledged is lost; start the node again to rejoin the cluster as a new"
          + " incarnation.", wait, status);
      halt.accept(status);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // Termination completed (exceptionally): the application's own handling runs.
    }
  }

  /** The status of a node the cluster stopped: {@code baton.node.exit.stopped-by-cluster-status}. */
  private static int byClusterStatus(ActorSystem<?> system) {
    return system.settings().config().getInt("baton.node.exit.stopped-by-cluster-status");
  }
}
