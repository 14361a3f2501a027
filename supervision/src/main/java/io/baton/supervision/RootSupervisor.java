package io.baton.supervision;

import io.baton.process.ExitReason;
import io.baton.process.ExitSignal;
import io.baton.process.Links;
import io.baton.process.ProcessExit;
import io.baton.process.internal.ProcessInterceptor;
import io.baton.process.internal.ProcessState;
import io.baton.supervision.Supervisor.Command;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigUtil;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.ActorPath;
import org.apache.pekko.actor.InvalidActorNameException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The actor a root supervisor's starter spawns (OTP's {@code start_link} from a plain actor or as
 * a guardian): it stands for the tree and runs the tree itself as a system actor, outside its
 * starter's Pekko hierarchy.
 *
 * <h2>Why</h2>
 * When a Pekko actor stops, Pekko stops all its children at once and only then tells the actor: a
 * supervisor spawned under its starter would die with its children {@code killed}, unordered, with
 * no shutdown signal and no reports. OTP instead terminates the children one by one in reverse
 * start order, each per its shutdown spec. So the tree lives under {@code /system}, where its
 * starter's stop cannot reach it directly, and this actor turns every way the tree can be stopped
 * into an ordered shutdown of it:
 * <ul>
 *   <li>its starter stops (so this actor stops): the tree gets an exit signal {@code shutdown};
 *   <li>its starter calls {@code Links.exit(ctx, root, reason)}: the tree gets that exit signal
 *       and exits with {@code reason}, OTP's {@code exit(Sup, Reason)} from the parent;
 *   <li>the actor system terminates (coordinated shutdown, a JVM's SIGTERM): the tree stops itself
 *       in its coordinated-shutdown phase, before Pekko stops any actor (see {@link
 *       SupervisorBehavior}).
 * </ul>
 * Exit signals from other processes are ignored, as OTP's supervisor ignores the exit of a process
 * that is not its child; {@code kill} cannot be trapped, kills this actor, and the tree then stops
 * in order with reason {@code killed}.
 *
 * <h2>Protocol</h2>
 * This actor is a process that traps exits; the tree is a process whose parent is this actor and
 * which links itself to it when it starts. Commands are forwarded to the tree, whose answers go
 * straight to the asker; its reports name this actor. When the tree exits with a reason, its exit
 * signal arrives over the link and this actor exits with the same reason, so that a link or
 * monitor on the supervisor sees the tree's reason. When this actor stops first, its exit signal
 * reaches the tree over the link. Only this actor touches its state, one flag.
 */
final class RootSupervisor {

  private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
  private static final AtomicLong TREES = new AtomicLong();

  /** An exit signal reached the root (which traps exits). */
  private record ExitSignalReceived(ExitSignal signal) implements Command {}

  private RootSupervisor() {}

  static Behavior<Command> create(
      ActorContext<Command> context, ProcessState process, SupervisorSpec spec) {
    try {
      checkShutdownPhase(spec, context.getSystem().settings().config(), context.getSelf().path());
    } catch (IllegalArgumentException invalid) {
      LOG.error(invalid.getMessage());
      throw invalid;
    }
    process.trapExits(ExitSignalReceived::new);
    ActorRef<Command> self = context.getSelf();
    Behavior<Command> treeBehavior =
        ProcessInterceptor.wrap(SupervisorBehavior.createTree(spec, self), self, null, null);
    ActorRef<Command> tree = spawnTree(context, treeBehavior, self);
    // Linked from this side too, at once: a starter that stops before the tree has run its
    // setup still stops the tree with this root's reason (shutdown), not noproc.
    process.link(tree);
    org.apache.pekko.actor.ActorRef starter = Adapter.toClassic(context).parent();
    boolean[] treeExited = {false};
    return Behaviors.receive(Command.class)
        .onMessage(ExitSignalReceived.class, received -> {
          ExitSignal signal = received.signal();
          if (signal.from().equals(tree)) {
            treeExited[0] = true;
            if (signal.reason().isNormal()) {
              return Behaviors.stopped();
            }
            throw new ProcessExit(signal.reason());
          }
          if (Adapter.toClassic(signal.from()).equals(starter)) {
            Links.exit(self, tree, signal.reason());
          } else {
            LOG.debug("supervisor {} ignores exit signal {} from {}, which is not its parent",
                self.path(), signal.reason(), signal.from().path());
          }
          return Behaviors.same();
        })
        .onSignal(PostStop.class, stop -> {
          if (!treeExited[0]) {
            // Stopped from outside (its starter stopped): the tree stops in order, with shutdown.
            // The exit signal travels over the link, so it reaches the tree even if it is busy.
            process.stoppingWith(ExitReason.shutdown());
          }
          return Behaviors.same();
        })
        .onAnyMessage(command -> {
          tree.tell(command);
          return Behaviors.same();
        })
        .build();
  }

  /**
   * Fails when {@code baton.supervision.shutdown-phase} names no phase of the actor system's
   * coordinated shutdown: the tree of {@code root} could not stop in order on termination, so it
   * does not start (the failure is logged at ERROR).
   */
  static void checkShutdownPhase(SupervisorSpec spec, Config config, ActorPath root) {
    String phase = SupervisorBehavior.shutdownPhase(spec, config);
    String key = spec.shutdownPhase() != null ? "the tree's shutdown phase"
        : SupervisorBehavior.SHUTDOWN_PHASE_KEY;
    if (!config.hasPath("pekko.coordinated-shutdown.phases." + ConfigUtil.quoteString(phase))) {
      throw new IllegalArgumentException(
          key + " = '" + phase + "' is not a phase of this actor"
              + " system's coordinated shutdown (pekko.coordinated-shutdown.phases); use one of"
              + " them, such as service-stop (the default). The supervisor " + root
              + " does not start");
    }
  }

  /**
   * Spawns the tree of {@code root}: a root spawned directly under /system runs its tree at a
   * stable path, {@code baton-tree-<name>}, so that its statically named children have paths other
   * nodes can address; any other root (or one whose earlier tree of that name still stops) gets a
   * numbered name.
   */
  private static ActorRef<Command> spawnTree(ActorContext<Command> context,
      Behavior<Command> tree, ActorRef<Command> root) {
    if (isSystemActor(root.path())) {
      try {
        return context.getSystem().systemActorOf(tree, "baton-tree-" + root.path().name(),
            Props.empty());
      } catch (InvalidActorNameException taken) {
        // The tree of an earlier root of that name is still stopping.
      }
    }
    return context.getSystem().systemActorOf(tree,
        "baton-tree-" + TREES.incrementAndGet() + "-" + root.path().name(), Props.empty());
  }

  private static boolean isSystemActor(ActorPath path) {
    return path.parent().name().equals("system") && path.parent().parent().equals(path.root());
  }
}
