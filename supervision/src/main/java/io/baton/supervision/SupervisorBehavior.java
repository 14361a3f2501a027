package io.baton.supervision;

import io.baton.process.ExitReason;
import io.baton.process.ExitSignal;
import io.baton.process.Links;
import io.baton.process.ProcessExit;
import io.baton.process.internal.ProcessInterceptor;
import io.baton.process.internal.ProcessState;
import io.baton.supervision.RestartPolicy.AfterExit;
import io.baton.supervision.Supervisor.Command;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ListIterator;
import java.util.function.Consumer;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ChildFailed;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor's state machine.
 *
 * <h2>Design</h2>
 * OTP's supervisor blocks while it starts or stops a child; a Pekko actor cannot, because a
 * child's start and death are messages. So every multi-step job (start the children in order,
 * stop them in reverse, a group restart) is a chain of small steps joined by continuations kept on
 * the {@link ChildRecord} being waited for: {@code onStarted} fires when the child's start notice
 * or its death arrives, {@code onStopped} when its death arrives. While such a job runs, {@code
 * busy} is true: commands are deferred (in arrival order) and a child's unexpected exit is queued
 * in {@code pendingExits}; both are drained, exits first, when the job ends. A queued exit whose
 * child has since been restarted (a newer incarnation) is stale and dropped, as OTP's {@code
 * unlink_flush} consumes the exit of a child it is about to stop anyway.
 *
 * <h2>Ownership</h2>
 * All fields belong to the supervisor actor and are touched only from its message and signal
 * handlers. Exits are learned from Pekko's death watch on each child ({@link ChildFailed} carries
 * the exception, hence the reason); starts from the notice each child's process layer sends when
 * its setup returns.
 *
 * <h2>Root trees and every stop path</h2>
 * A supervisor started by another Baton supervisor is stopped by it, in order. Any other (a root)
 * runs as the tree of a {@link RootSupervisor}, a system actor whose {@code publicRef} is the root
 * actor its starter spawned: reports name {@code publicRef}, exit signals to children come from
 * it, children see it as their parent, and the tree is linked to it. A root tree also registers a
 * task with Pekko's coordinated shutdown ({@link #stopOnCoordinatedShutdown}), cancelled in
 * {@code PostStop}: on ActorSystem termination or SIGTERM it stops its children as on any stop
 * and the phase waits for it. A stop request that arrives while a job runs waits like any command.
 *
 * <h2>Child states</h2>
 * {@code STARTING → RUNNING → STOPPING → TERMINATED}; {@code RUNNING → TERMINATED} on its own
 * exit; {@code STARTING → TERMINATED} (ignored or failed start) or {@code → RESTARTING} (a
 * failed restart waiting for its retry, OTP's {@code {restarting, Pid}}).
 */
final class SupervisorBehavior extends AbstractBehavior<Command> {

  private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
  private static final Object DYNAMIC_SHUTDOWN_TIMER = "dynamic-children-shutdown";
  static final String SHUTDOWN_PHASE_KEY = "baton.supervision.shutdown-phase";

  /** The coordinated-shutdown phase a root tree of {@code spec} stops in. */
  static String shutdownPhase(SupervisorSpec spec, com.typesafe.config.Config config) {
    return spec.shutdownPhase() != null ? spec.shutdownPhase() : config.getString(SHUTDOWN_PHASE_KEY);
  }

  // ------------------------------------------------------------------ internal messages

  /** A child's process layer says its setup has returned. */
  private record ChildStartedNotice(ActorRef<Object> child) implements Command {}

  /** A child's setup threw; its death notice follows. */
  private record ChildStartFailedNotice(ActorRef<Object> child, ExitReason reason)
      implements Command {}

  /** A child did not stop within its shutdown time. */
  private record ShutdownTimedOut(ActorRef<Object> child) implements Command {}

  /** The parallel stop of dynamic children ran out of time. */
  private record DynamicShutdownTimedOut() implements Command {}

  /** Try again to restart a child whose restart failed (OTP's {@code try_again_restart}). */
  private record TryAgainRestart(ChildRecord child) implements Command {}

  /** The actor system is shutting down: stop the tree in order (a root tree only). */
  private record SystemShutdown() implements Command {}

  /** An exit signal reached the supervisor, which traps exits. */
  private record ExitSignalReceived(ExitSignal signal) implements Command {}

  private enum ChildState {
    STARTING,
    RUNNING,
    STOPPING,
    TERMINATED,
    RESTARTING
  }

  private enum StartOutcome {
    STARTED,
    IGNORED,
    FAILED
  }

  /** One child spec and its current incarnation. */
  private static final class ChildRecord {
    final ChildSpec spec;
    final Object argument;
    ChildState state = ChildState.TERMINATED;
    ActorRef<Object> ref;
    int starts;
    boolean killedBySupervisor;
    ExitReason lastReason;
    /** Why the current start failed, if its process layer said so. */
    ExitReason startFailure;
    Consumer<StartOutcome> onStarted;
    Runnable onStopped;

    /** The child's id made safe for an actor name. */
    String actorNamePrefix;
    /** Set once the child is no longer one of the supervisor's children. */
    boolean removed;

    ChildRecord(ChildSpec spec, Object argument) {
      this.spec = spec;
      this.argument = argument;
    }

    boolean isAlive() {
      return ref != null;
    }
  }

  private record PendingExit(ChildRecord child, int starts, ExitReason reason) {}

  // ------------------------------------------------------------------ state

  private final SupervisorSpec spec;
  private final TimerScheduler<Command> timers;
  private final ProcessState process;
  /**
   * The ref the world knows this supervisor by: its own, or for a root supervisor the {@link
   * RootSupervisor} its starter spawned. Reports name it, exit signals to children come from it,
   * and children see it as their parent.
   */
  private final ActorRef<Command> publicRef;
  /** The same, as the sender of exit signals. */
  private final ActorRef<Object> self;
  /** A root tree's coordinated-shutdown task, cancelled when the tree stops; else null. */
  private Cancellable shutdownTask;
  /** Completed when a root tree has stopped; what its coordinated-shutdown task waits for. */
  private final CompletableFuture<Done> stopped = new CompletableFuture<>();
  /** In start order. */
  private final List<ChildRecord> children = new ArrayList<>();
  /** The running incarnations, by ref: finds a child in constant time however many there are. */
  private final Map<ActorRef<Object>, ChildRecord> byRef = new HashMap<>();
  private final RestartWindow restarts;
  private final org.apache.pekko.event.EventStream eventStream;
  private final ArrayDeque<PendingExit> pendingExits = new ArrayDeque<>();
  private final ArrayDeque<Command> deferred = new ArrayDeque<>();
  private boolean busy;
  private long names;
  /** Set when the supervisor must exit at the end of the current handler. */
  private ExitReason exitReason;

  /**
   * A supervisor running {@code spec}: under a Baton supervisor, the supervisor itself; anywhere
   * else (spawned by a plain actor, or as a guardian), a {@link RootSupervisor} that runs the
   * tree outside its starter's Pekko hierarchy, so that every way of stopping it is an ordered
   * OTP shutdown.
   */
  static Behavior<Command> create(SupervisorSpec spec) {
    return Behaviors.setup(
        context -> {
          ProcessState process = ProcessState.current(context);
          if (process.parent() == null) {
            return RootSupervisor.create(context, process, spec);
          }
          return start(context, process, spec, context.getSelf(), false);
        });
  }

  /** The tree of a {@link RootSupervisor}, which is its parent and its public ref. */
  static Behavior<Command> createTree(SupervisorSpec spec, ActorRef<Command> root) {
    return Behaviors.setup(
        context -> {
          ProcessState process = ProcessState.current(context);
          // Linked to the root at once, so that the root learns the tree's exit reason however
          // early it exits, and the tree learns the root's.
          process.link(root);
          return start(context, process, spec, root, true);
        });
  }

  private static Behavior<Command> start(ActorContext<Command> context, ProcessState process,
      SupervisorSpec spec, ActorRef<Command> publicRef, boolean treeRoot) {
    process.trapExits(ExitSignalReceived::new);
    process.deferStartNotice();
    return Behaviors.withTimers(timers -> {
      SupervisorBehavior supervisor =
          new SupervisorBehavior(context, timers, spec, process, publicRef);
      if (treeRoot) {
        supervisor.stopOnCoordinatedShutdown();
      }
      return supervisor.startChildren();
    });
  }

  private SupervisorBehavior(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      SupervisorSpec spec,
      ProcessState process,
      ActorRef<Command> publicRef) {
    super(context);
    this.spec = spec;
    this.timers = timers;
    this.process = process;
    this.publicRef = publicRef;
    this.self = publicRef.unsafeUpcast();
    this.restarts = new RestartWindow(spec.intensity(), spec.period());
    this.eventStream = Adapter.toClassic(context.getSystem()).eventStream();
  }

  /**
   * Registers this root tree with Pekko's coordinated shutdown: in its spec's shutdown phase, or
   * else {@code baton.supervision.shutdown-phase}, it stops its children in reverse order, each per its
   * shutdown spec, and exits with {@code shutdown}; the phase waits for that, within the phase's
   * timeout. This is what makes ActorSystem termination and a JVM's SIGTERM ordered shutdowns.
   */
  private void stopOnCoordinatedShutdown() {
    var system = getContext().getSystem();
    String phase = shutdownPhase(spec, system.settings().config());
    ActorRef<Command> me = realSelf();
    // The phase was checked by the RootSupervisor before the tree was spawned.
    shutdownTask = CoordinatedShutdown.get(system).addCancellableTask(
        phase, "baton-stop-tree " + publicRef.path(), () -> {
          me.tell(new SystemShutdown());
          return stopped;
        });
  }

  private ActorRef<Command> realSelf() {
    return getContext().getSelf();
  }

  private Behavior<Command> onPostStop() {
    if (shutdownTask != null) {
      shutdownTask.cancel();
    }
    stopped.complete(Done.done());
    return this;
  }

  private Behavior<Command> startChildren() {
    busy = true;
    if (spec.strategy() != Strategy.SIMPLE_ONE_FOR_ONE) {
      for (ChildSpec child : spec.children()) {
        children.add(new ChildRecord(child, null));
      }
    }
    startInOrder(
        new ArrayList<>(children).iterator(),
        failed -> {
          if (failed == null) {
            process.announceStarted();
            endJob();
          } else {
            ExitReason reason = new ExitReason.FailedToStartChild(failed.spec.id(), failed.lastReason);
            removeChild(failed);
            stopAll(() -> exitWith(reason));
          }
        });
    return finish();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onAnyMessage(this::onCommand)
        .onSignal(Terminated.class, this::onChildTerminated)
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  // ------------------------------------------------------------------ dispatch

  private Behavior<Command> onCommand(Command command) {
    if (command instanceof ChildStartedNotice notice) {
      onStartNotice(notice.child());
    } else if (command instanceof ChildStartFailedNotice failed) {
      ChildRecord child = find(failed.child());
      if (child != null && child.state == ChildState.STARTING) {
        child.startFailure = failed.reason();
      }
    } else if (command instanceof ShutdownTimedOut timedOut) {
      ChildRecord child = find(timedOut.child());
      if (child != null && child.state == ChildState.STOPPING) {
        child.killedBySupervisor = true;
        getContext().stop(child.ref);
      }
    } else if (command instanceof DynamicShutdownTimedOut) {
      for (ChildRecord child : children) {
        if (child.state == ChildState.STOPPING) {
          child.killedBySupervisor = true;
          getContext().stop(child.ref);
        }
      }
    } else if (busy) {
      deferred.addLast(command);
    } else {
      handle(command);
    }
    return finish();
  }

  private void handle(Command command) {
    if (command instanceof Supervisor.WhichChildren which) {
      which.replyTo().tell(whichChildren());
    } else if (command instanceof Supervisor.GetChildSpec get) {
      get.replyTo().tell(childSpecById(get.id()));
    } else if (command instanceof Supervisor.GetChildSpecOf get) {
      get.replyTo().tell(specReply(find(get.child().unsafeUpcast())));
    } else if (command instanceof Supervisor.CountChildren count) {
      count.replyTo().tell(countChildren());
    } else if (command instanceof Supervisor.StartChild start) {
      startChild(start.spec(), start.replyTo());
    } else if (command instanceof Supervisor.StartDynamicChild start) {
      startDynamicChild(start.argument(), start.replyTo());
    } else if (command instanceof Supervisor.TerminateChild terminate) {
      terminateChild(terminate.id(), terminate.replyTo());
    } else if (command instanceof Supervisor.TerminateDynamicChild terminate) {
      terminateDynamicChild(terminate.child(), terminate.replyTo());
    } else if (command instanceof Supervisor.RestartChild restart) {
      restartChild(restart.id(), restart.replyTo());
    } else if (command instanceof Supervisor.DeleteChild delete) {
      deleteChild(delete.id(), delete.replyTo());
    } else if (command instanceof Supervisor.Stop stop) {
      shutdown(ExitReason.normal(), stop.replyTo());
    } else if (command instanceof SystemShutdown) {
      shutdown(ExitReason.shutdown(), null);
    } else if (command instanceof TryAgainRestart retry) {
      tryAgainRestart(retry.child());
    } else if (command instanceof ExitSignalReceived received) {
      onExitSignal(received.signal());
    } else {
      LOG.warn(
          "supervisor {} ignored a message it does not accept: {}", publicRef.path(),
          command);
    }
  }

  /**
   * Ends every handler: exits if asked to, otherwise, when no job runs, handles queued exits and
   * then deferred commands until one of them starts a job.
   */
  private Behavior<Command> finish() {
    while (exitReason == null && !busy) {
      PendingExit exit = pendingExits.pollFirst();
      if (exit != null) {
        if (exit.child().state == ChildState.TERMINATED
            && exit.child().starts == exit.starts()
            && !exit.child().removed) {
          afterUnexpectedExit(exit.child(), exit.reason());
        }
        continue;
      }
      Command command = deferred.pollFirst();
      if (command == null) {
        break;
      }
      handle(command);
    }
    if (exitReason != null) {
      report(new SupervisorReport.SupervisorExited(publicRef, exitReason));
      // A tree that exits while still in its setup (a child failed to start) gets no PostStop:
      // its coordinated-shutdown task must not outlive it.
      onPostStop();
      if (exitReason.isNormal()) {
        return Behaviors.stopped();
      }
      throw new ProcessExit(exitReason);
    }
    return this;
  }

  private void endJob() {
    busy = false;
  }

  private void exitWith(ExitReason reason) {
    exitReason = reason;
  }

  // ------------------------------------------------------------------ child exits

  private Behavior<Command> onChildTerminated(Terminated terminated) {
    ActorRef<Object> ref = terminated.getRef().unsafeUpcast();
    ChildRecord child = find(ref);
    if (child == null) {
      return finish();
    }
    ExitReason reason =
        terminated instanceof ChildFailed failed
            ? ExitReason.of(failed.getCause())
            : ExitReason.normal();
    byRef.remove(ref);
    child.ref = null;
    child.lastReason = reason;
    switch (child.state) {
      case STOPPING -> onStopped(child, reason);
      case STARTING -> {
        child.state = ChildState.TERMINATED;
        Consumer<StartOutcome> then = child.onStarted;
        child.onStarted = null;
        if (child.startFailure != null) {
          reason = child.startFailure;
          child.lastReason = reason;
          child.startFailure = null;
        }
        if (reason.isNormal()) {
          then.accept(StartOutcome.IGNORED);
        } else {
          report(new SupervisorReport.StartError(publicRef, child.spec.id(), reason));
          then.accept(StartOutcome.FAILED);
        }
      }
      default -> {
        child.state = ChildState.TERMINATED;
        report(new SupervisorReport.ChildExited(publicRef, child.spec.id(), reason));
        if (busy) {
          pendingExits.addLast(new PendingExit(child, child.starts, reason));
        } else {
          afterUnexpectedExit(child, reason);
        }
      }
    }
    return finish();
  }

  private void onStopped(ChildRecord child, ExitReason reason) {
    timers.cancel(child);
    child.state = ChildState.TERMINATED;
    ExitReason seen = child.killedBySupervisor ? ExitReason.killed() : reason;
    boolean asked =
        child.spec.shutdown() instanceof Shutdown.BrutalKill
            ? seen instanceof ExitReason.Killed
            : seen.isNormalOrShutdown();
    if (asked) {
      ExitReason stoppedWith = seen.isNormal() ? ExitReason.shutdown() : seen;
      report(new SupervisorReport.ChildStopped(publicRef, child.spec.id(), stoppedWith));
    } else {
      report(new SupervisorReport.ShutdownError(publicRef, child.spec.id(), seen));
    }
    child.killedBySupervisor = false;
    Runnable then = child.onStopped;
    child.onStopped = null;
    if (then != null) {
      then.run();
    }
  }

  /** OTP's {@code do_restart}: what to do about a child that exited by itself. */
  private void afterUnexpectedExit(ChildRecord child, ExitReason reason) {
    AfterExit after = RestartPolicy.afterExit(child.spec.restart(), reason, child.spec.isDynamic());
    switch (after) {
      case RESTART -> restart(child);
      case KEEP -> autoShutdownCheck(child);
      case DELETE -> {
        removeChild(child);
        autoShutdownCheck(child);
      }
    }
  }

  private void autoShutdownCheck(ChildRecord exited) {
    if (!exited.spec.significant()) {
      return;
    }
    boolean shut =
        switch (spec.autoShutdown()) {
          case NEVER -> false;
          case ANY_SIGNIFICANT -> true;
          case ALL_SIGNIFICANT -> children.stream()
              .noneMatch(
                  c -> c.spec.significant() && (c.isAlive() || c.state == ChildState.RESTARTING));
        };
    if (shut) {
      report(new SupervisorReport.AutoShutdownTriggered(publicRef, exited.spec.id()));
      shutdown(ExitReason.shutdown(), null);
    }
  }

  /** Counts a restart against the intensity, then restarts by strategy or gives up. */
  private void restart(ChildRecord child) {
    if (restarts.recordAndCheckExceeded(spec.ticker().nanoTime())) {
      report(
          new SupervisorReport.MaxIntensityReached(
              publicRef, spec.intensity(), spec.period()));
      LOG.error(
          "supervisor {} reached its maximum restart intensity ({} restarts in {} ms) after child"
              + " '{}' exited; stopping its children and exiting with reason shutdown",
          publicRef.path(), spec.intensity(), spec.period().toMillis(),
          child.spec.id());
      shutdown(ExitReason.shutdown(), null);
      return;
    }
    busy = true;
    List<ChildRecord> group = restartGroup(child);
    stopInReverse(
        group,
        () -> {
          // Temporary siblings are stopped with the group but never restarted (OTP).
          group.removeIf(
              c -> c != child && c.spec.restart() == RestartType.TEMPORARY && removeChild(c));
          startInOrder(
              group.iterator(),
              failed -> {
                if (failed != null) {
                  failed.state = ChildState.RESTARTING;
                  realSelf().tell(new TryAgainRestart(failed));
                }
                endJob();
              });
        });
  }

  /** The children a restart of {@code child} stops and starts again, in start order. */
  private List<ChildRecord> restartGroup(ChildRecord child) {
    return switch (spec.strategy()) {
      case ONE_FOR_ONE, SIMPLE_ONE_FOR_ONE -> new ArrayList<>(List.of(child));
      case ONE_FOR_ALL -> new ArrayList<>(children);
      case REST_FOR_ONE -> new ArrayList<>(children.subList(children.indexOf(child),
          children.size()));
    };
  }

  private void tryAgainRestart(ChildRecord child) {
    if (child.state == ChildState.RESTARTING && !child.removed) {
      child.state = ChildState.TERMINATED;
      restart(child);
    }
  }

  // ------------------------------------------------------------------ starting

  /**
   * Starts each not-running child of {@code it} in turn, waiting for each start to complete; then
   * calls {@code done} with {@code null}, or with the first child that failed to start (the rest
   * are left not running). A temporary child whose start is ignored is removed.
   */
  private void startInOrder(Iterator<ChildRecord> it, Consumer<ChildRecord> done) {
    while (it.hasNext()) {
      ChildRecord child = it.next();
      if (child.isAlive() || child.removed) {
        continue;
      }
      start(
          child,
          outcome -> {
            if (outcome == StartOutcome.FAILED) {
              done.accept(child);
            } else {
              if (outcome == StartOutcome.IGNORED
                  && (child.spec.restart() == RestartType.TEMPORARY || child.spec.isDynamic())) {
                removeChild(child);
              }
              startInOrder(it, done);
            }
          });
      return;
    }
    done.accept(null);
  }

  private void start(ChildRecord child, Consumer<StartOutcome> then) {
    Behavior<?> behavior;
    try {
      behavior = child.spec.start().apply(child.argument);
      if (behavior == null) {
        throw new IllegalStateException(
            "the start function of child '" + child.spec.id() + "' returned null");
      }
    } catch (RuntimeException e) {
      child.lastReason = ExitReason.of(e);
      report(new SupervisorReport.StartError(publicRef, child.spec.id(),
          child.lastReason));
      then.accept(StartOutcome.FAILED);
      return;
    }
    ActorRef<Command> supervisor = realSelf();
    Behavior<?> process =
        ProcessInterceptor.wrap(
            behavior,
            publicRef,
            new ProcessState.StartNotice() {
              @Override
              public void started(ActorRef<Object> started) {
                supervisor.tell(new ChildStartedNotice(started));
              }

              @Override
              public void failed(ActorRef<Object> failed, ExitReason reason) {
                supervisor.tell(new ChildStartFailedNotice(failed, reason));
              }
            },
            null);
    child.starts++;
    child.state = ChildState.STARTING;
    child.onStarted = then;
    child.ref = getContext().spawn(process, childName(child)).unsafeUpcast();
    byRef.put(child.ref, child);
    getContext().watch(child.ref);
  }

  private void onStartNotice(ActorRef<Object> ref) {
    ChildRecord child = find(ref);
    if (child == null || child.state != ChildState.STARTING) {
      return;
    }
    child.state = ChildState.RUNNING;
    report(new SupervisorReport.ChildStarted(publicRef, child.spec.id(), ref,
        child.starts));
    Consumer<StartOutcome> then = child.onStarted;
    child.onStarted = null;
    then.accept(StartOutcome.STARTED);
  }

  /**
   * The actor name of a (re)start of {@code child}: a static child is always named by its id, so
   * that its path stays the same across restarts (OTP's registered name: others may address it by
   * path; a restart happens only once the old incarnation has terminated, which frees the name);
   * dynamic children share their template's id and get a counter after it.
   */
  private String childName(ChildRecord child) {
    if (child.actorNamePrefix == null) {
      child.actorNamePrefix = URLEncoder.encode(child.spec.id(), StandardCharsets.UTF_8);
    }
    if (!child.spec.isDynamic()) {
      return child.actorNamePrefix;
    }
    return child.actorNamePrefix + "-" + (++names);
  }

  // ------------------------------------------------------------------ stopping

  /** Stops the running children of {@code group} one at a time, last started first. */
  private void stopInReverse(List<ChildRecord> group, Runnable done) {
    ListIterator<ChildRecord> it = group.listIterator(group.size());
    stopNext(it, done);
  }

  private void stopNext(ListIterator<ChildRecord> it, Runnable done) {
    while (it.hasPrevious()) {
      ChildRecord child = it.previous();
      if (child.isAlive()) {
        stop(child, () -> stopNext(it, done));
        return;
      }
    }
    done.run();
  }

  /** Asks one child to stop as its spec says; {@code then} runs once it is dead. */
  private void stop(ChildRecord child, Runnable then) {
    child.state = ChildState.STOPPING;
    child.onStopped = then;
    Shutdown shutdown = child.spec.shutdown();
    if (shutdown instanceof Shutdown.BrutalKill) {
      child.killedBySupervisor = true;
      getContext().stop(child.ref);
    } else {
      Links.exit(self, child.ref, ExitReason.shutdown());
      if (shutdown instanceof Shutdown.Timeout timeout) {
        timers.startSingleTimer(child, new ShutdownTimedOut(child.ref), timeout.duration());
      }
    }
  }

  /** Stops every child: in reverse start order, or all at once for simple_one_for_one. */
  private void stopAll(Runnable done) {
    if (spec.strategy() != Strategy.SIMPLE_ONE_FOR_ONE) {
      stopInReverse(children, done);
      return;
    }
    List<ChildRecord> alive = children.stream().filter(ChildRecord::isAlive).toList();
    if (alive.isEmpty()) {
      done.run();
      return;
    }
    int[] remaining = {alive.size()};
    Runnable oneStopped =
        () -> {
          if (--remaining[0] == 0) {
            timers.cancel(DYNAMIC_SHUTDOWN_TIMER);
            done.run();
          }
        };
    Shutdown shutdown = spec.children().get(0).shutdown();
    for (ChildRecord child : alive) {
      child.state = ChildState.STOPPING;
      child.onStopped = oneStopped;
      if (shutdown instanceof Shutdown.BrutalKill) {
        child.killedBySupervisor = true;
        getContext().stop(child.ref);
      } else {
        Links.exit(self, child.ref, ExitReason.shutdown());
      }
    }
    if (shutdown instanceof Shutdown.Timeout timeout) {
      timers.startSingleTimer(
          DYNAMIC_SHUTDOWN_TIMER, new DynamicShutdownTimedOut(), timeout.duration());
    }
  }

  /** Stops all children, then exits with {@code reason} (answering {@code replyTo} if given). */
  private void shutdown(ExitReason reason, ActorRef<SupervisorReply> replyTo) {
    busy = true;
    stopAll(
        () -> {
          if (replyTo != null) {
            replyTo.tell(SupervisorReply.OK);
          }
          exitWith(reason);
        });
  }

  private void onExitSignal(ExitSignal signal) {
    if (signal.from().equals(process.parent())) {
      shutdown(signal.reason(), null);
    } else {
      LOG.debug(
          "supervisor {} ignores exit signal {} from {}, which is not its parent",
          publicRef.path(), signal.reason(), signal.from().path());
    }
  }

  // ------------------------------------------------------------------ commands

  private void startChild(ChildSpec childSpec, ActorRef<SupervisorReply> replyTo) {
    if (spec.strategy() == Strategy.SIMPLE_ONE_FOR_ONE) {
      replyTo.tell(new SupervisorReply.StartFailed(ExitReason.abnormal(
          "a SIMPLE_ONE_FOR_ONE supervisor starts children with StartDynamicChild(argument)")));
      return;
    }
    try {
      SupervisorSpec.checkChild(childSpec, spec.strategy(), spec.autoShutdown());
    } catch (IllegalArgumentException invalid) {
      replyTo.tell(new SupervisorReply.StartFailed(ExitReason.of(invalid)));
      return;
    }
    ChildRecord existing = findById(childSpec.id());
    if (existing != null) {
      replyTo.tell(existing.isAlive()
          ? new SupervisorReply.AlreadyStarted(existing.ref)
          : new SupervisorReply.AlreadyPresent());
      return;
    }
    ChildRecord child = new ChildRecord(childSpec, null);
    children.add(child);
    startOne(child, replyTo, true);
  }

  private void startDynamicChild(Object argument, ActorRef<SupervisorReply> replyTo) {
    if (spec.strategy() != Strategy.SIMPLE_ONE_FOR_ONE) {
      replyTo.tell(new SupervisorReply.StartFailed(ExitReason.abnormal(
          "StartDynamicChild needs a SIMPLE_ONE_FOR_ONE supervisor; use StartChild(spec)")));
      return;
    }
    ChildSpec template = spec.children().get(0);
    if (!template.argumentType().isInstance(argument)) {
      replyTo.tell(new SupervisorReply.StartFailed(ExitReason.abnormal(
          "child '" + template.id() + "' takes a start argument of type "
              + template.argumentType().getName() + ", got "
              + (argument == null ? "null" : argument.getClass().getName()))));
      return;
    }
    ChildRecord child = new ChildRecord(template, argument);
    children.add(child);
    startOne(child, replyTo, true);
  }

  /** Starts one child as a job and answers; {@code dropOnFailure} removes it if it fails. */
  private void startOne(ChildRecord child, ActorRef<SupervisorReply> replyTo,
      boolean dropOnFailure) {
    busy = true;
    start(
        child,
        outcome -> {
          switch (outcome) {
            case STARTED -> replyTo.tell(new SupervisorReply.Started(child.ref));
            case IGNORED -> {
              if (child.spec.restart() == RestartType.TEMPORARY || child.spec.isDynamic()) {
                removeChild(child);
              }
              replyTo.tell(new SupervisorReply.Ignored());
            }
            case FAILED -> {
              if (dropOnFailure) {
                removeChild(child);
              }
              replyTo.tell(new SupervisorReply.StartFailed(child.lastReason));
            }
          }
          endJob();
        });
  }

  private void terminateChild(String id, ActorRef<SupervisorReply> replyTo) {
    if (spec.strategy() == Strategy.SIMPLE_ONE_FOR_ONE) {
      replyTo.tell(new SupervisorReply.SimpleOneForOne());
      return;
    }
    ChildRecord child = findById(id);
    if (child == null) {
      replyTo.tell(new SupervisorReply.NotFound());
      return;
    }
    terminate(child, replyTo);
  }

  private void terminateDynamicChild(ActorRef<?> ref, ActorRef<SupervisorReply> replyTo) {
    ChildRecord child =
        spec.strategy() == Strategy.SIMPLE_ONE_FOR_ONE ? find(ref.unsafeUpcast()) : null;
    if (child == null) {
      replyTo.tell(new SupervisorReply.NotFound());
      return;
    }
    terminate(child, replyTo);
  }

  private void terminate(ChildRecord child, ActorRef<SupervisorReply> replyTo) {
    Runnable done =
        () -> {
          if (child.spec.restart() == RestartType.TEMPORARY || child.spec.isDynamic()) {
            removeChild(child);
          }
          child.state = ChildState.TERMINATED;
          replyTo.tell(SupervisorReply.OK);
          endJob();
        };
    busy = true;
    if (child.isAlive()) {
      stop(child, done);
    } else {
      done.run();
    }
  }

  private void restartChild(String id, ActorRef<SupervisorReply> replyTo) {
    ChildRecord child = stoppedStaticChild(id, replyTo);
    if (child != null) {
      startOne(child, replyTo, false);
    }
  }

  private void deleteChild(String id, ActorRef<SupervisorReply> replyTo) {
    ChildRecord child = stoppedStaticChild(id, replyTo);
    if (child != null) {
      removeChild(child);
      replyTo.tell(SupervisorReply.OK);
    }
  }

  /**
   * The static child {@code id} if it is stopped; otherwise answers why not (OTP's errors for
   * restart_child and delete_child) and returns {@code null}.
   */
  private ChildRecord stoppedStaticChild(String id, ActorRef<SupervisorReply> replyTo) {
    ChildRecord child =
        spec.strategy() == Strategy.SIMPLE_ONE_FOR_ONE ? null : findById(id);
    if (spec.strategy() == Strategy.SIMPLE_ONE_FOR_ONE) {
      replyTo.tell(new SupervisorReply.SimpleOneForOne());
    } else if (child == null) {
      replyTo.tell(new SupervisorReply.NotFound());
    } else if (child.state == ChildState.RESTARTING) {
      replyTo.tell(new SupervisorReply.Restarting());
    } else if (child.isAlive()) {
      replyTo.tell(new SupervisorReply.Running());
    } else {
      return child;
    }
    return null;
  }

  private List<ChildInfo> whichChildren() {
    List<ChildInfo> infos = new ArrayList<>(children.size());
    for (int i = children.size() - 1; i >= 0; i--) {
      ChildRecord c = children.get(i);
      ChildInfo.Status status =
          c.state == ChildState.RESTARTING
              ? ChildInfo.Status.RESTARTING
              : c.isAlive() ? ChildInfo.Status.RUNNING : ChildInfo.Status.UNDEFINED;
      infos.add(new ChildInfo(c.spec.id(), c.isAlive() ? c.ref : null, status, c.spec.type()));
    }
    return infos;
  }

  /** OTP's {@code get_childspec} by id; a simple_one_for_one supervisor knows only its template. */
  private SupervisorReply childSpecById(String id) {
    if (spec.strategy() == Strategy.SIMPLE_ONE_FOR_ONE) {
      ChildSpec template = spec.children().get(0);
      return template.id().equals(id)
          ? new SupervisorReply.Spec(template)
          : new SupervisorReply.NotFound();
    }
    return specReply(findById(id));
  }

  private static SupervisorReply specReply(ChildRecord child) {
    return child == null ? new SupervisorReply.NotFound() : new SupervisorReply.Spec(child.spec);
  }

  private ChildCounts countChildren() {
    int active = 0;
    int supervisors = 0;
    for (ChildRecord c : children) {
      if (c.isAlive()) {
        active++;
      }
      if (c.spec.type() == ChildType.SUPERVISOR) {
        supervisors++;
      }
    }
    int specs = spec.strategy() == Strategy.SIMPLE_ONE_FOR_ONE ? 1 : children.size();
    return new ChildCounts(specs, active, supervisors, children.size() - supervisors);
  }

  // ------------------------------------------------------------------ helpers

  private ChildRecord find(ActorRef<Object> ref) {
    return byRef.get(ref);
  }

  /** Removes a child that is not running; answers true (for use in filters). */
  private boolean removeChild(ChildRecord child) {
    child.removed = true;
    return children.remove(child);
  }

  private ChildRecord findById(String id) {
    for (ChildRecord c : children) {
      if (c.spec.id().equals(id)) {
        return c;
      }
    }
    return null;
  }

  private void report(SupervisorReport report) {
    // The classic event stream publishes synchronously: no hop through the typed adapter actor on
    // the restart path, and reports reach subscribers in the order they were made.
    eventStream.publish(report);
    if (report instanceof SupervisorReport.ChildExited exited
        && !exited.reason().isNormalOrShutdown()) {
      LOG.warn("supervisor {}: child '{}' exited: {}", publicRef.path(),
          exited.childId(), exited.reason());
    } else if (report instanceof SupervisorReport.StartError error) {
      LOG.error("supervisor {}: child '{}' failed to start: {}", publicRef.path(),
          error.childId(), error.reason());
    } else if (report instanceof SupervisorReport.ShutdownError error) {
      LOG.warn("supervisor {}: child '{}' exited with {} while being stopped",
          publicRef.path(), error.childId(), error.reason());
    } else if (report instanceof SupervisorReport.SupervisorExited exited
        && !exited.reason().isNormalOrShutdown()) {
      LOG.error("supervisor {} exited: {}", publicRef.path(), exited.reason());
    } else if (report instanceof SupervisorReport.SupervisorExited exited
        && !exited.reason().isNormal()) {
      // A deliberate stop (its parent's, the system's) or giving up, already logged as an error.
      LOG.info("supervisor {} exited: {}", publicRef.path(), exited.reason());
    } else if (LOG.isDebugEnabled()) {
      LOG.debug("{}", report);
    }
  }
}
