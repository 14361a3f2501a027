package io.baton.supervision;

import io.baton.process.internal.ProcessInterceptor;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;

/**
 * An OTP supervisor as a Pekko typed behaviour: it starts its children in order, restarts them
 * by its {@link Strategy} when they exit, gives up when restarts exceed its intensity, and stops
 * them in reverse order.
 *
 * <p>Create one with {@link #create(SupervisorSpec)} and spawn it like any behaviour (OTP's
 * {@code start_link}: the spawning actor is the supervisor's parent); nest trees with {@link
 * ChildSpec#supervisor}. Every child runs as a Baton process (see {@code io.baton.process.Links}),
 * so it can link, monitor and trap exits.
 *
 * <h2>The contract, as OTP's</h2>
 * <ul>
 *   <li>Start: children start one after another in spec order, each only once the previous one has
 *       finished starting (its setup returned). If one fails, the ones started are stopped in
 *       reverse order and the supervisor exits with {@code {shutdown, failed_to_start_child}}.
 *   <li>Exit of a child: restarted or not by its {@link RestartType} and {@link RestartPolicy};
 *       restarts are counted in a {@link RestartWindow}; more than the intensity within the period
 *       and the supervisor stops every child in reverse start order and exits with {@code
 *       shutdown}, which its parent handles.
 *   <li>A failed restart is retried through the supervisor's own mailbox, each attempt counted,
 *       so commands (a {@link TerminateChild}, a stop) still get through between attempts.
 *   <li>While it starts, restarts or stops children the supervisor answers no command; commands
 *       wait in order, as calls to an OTP supervisor do.
 *   <li>Stop: {@link Stop}, or an exit signal from its parent, stops the children in reverse start
 *       order, each with its {@link Shutdown}, reports each step, then exits (with the signal's
 *       reason); simple_one_for_one children are stopped in parallel.
 *   <li>Every stop path is that ordered stop: for a root supervisor (one not started by another
 *       Baton supervisor) also the stop of the actor that spawned it (the supervisor exits {@code
 *       shutdown}), and the actor system's termination, by {@code terminate()}, coordinated
 *       shutdown or a JVM's SIGTERM, in the coordinated-shutdown phase {@code
 *       baton.supervision.shutdown-phase}, whose timeout bounds it.
 * </ul>
 *
 * <p>A root supervisor's children run under a system actor ({@code /system/baton-tree-N-name}, or
 * {@code /system/baton-tree-name} for a root that is itself a system actor),
 * not under the actor its starter spawned: Pekko stops an actor's children before telling the
 * actor, which would kill them unordered. The spawned actor forwards commands to that tree and
 * exits with the tree's reason. Stopping it does not wait for the tree: like OTP, the starter's
 * exit is a signal to the tree, which then stops on its own.
 */
public final class Supervisor {

  private Supervisor() {}

  /** A supervisor running {@code spec}. */
  public static Behavior<Command> create(SupervisorSpec spec) {
    return ProcessInterceptor.wrap(SupervisorBehavior.create(spec), null, null, null);
  }

  /** The messages a supervisor accepts. Users send the public records; do not implement. */
  public interface Command {}

  /**
   * Adds a static child and starts it: OTP's {@code start_child/2}. Answers {@link
   * SupervisorReply.Started}, {@link SupervisorReply.Ignored}, {@link
   * SupervisorReply.AlreadyStarted}, {@link SupervisorReply.AlreadyPresent} or {@link
   * SupervisorReply.StartFailed} (the spec is then not kept).
   */
  public record StartChild(ChildSpec spec, ActorRef<SupervisorReply> replyTo) implements Command {}

  /**
   * Starts a dynamic child of a simple_one_for_one supervisor from its template and {@code
   * argument}: OTP's {@code start_child(Sup, Args)}. Answers {@link SupervisorReply.Started},
   * {@link SupervisorReply.Ignored} or {@link SupervisorReply.StartFailed}.
   */
  public record StartDynamicChild(Object argument, ActorRef<SupervisorReply> replyTo)
      implements Command {}

  /**
   * Stops a static child and keeps its spec (a temporary child's spec is removed): OTP's {@code
   * terminate_child(Sup, Id)}. Answers {@link SupervisorReply.Ok}, {@link
   * SupervisorReply.NotFound} or {@link SupervisorReply.SimpleOneForOne}.
   */
  public record TerminateChild(String id, ActorRef<SupervisorReply> replyTo) implements Command {}

  /**
   * Stops a dynamic child of a simple_one_for_one supervisor: OTP's {@code terminate_child(Sup,
   * Pid)}. Answers {@link SupervisorReply.Ok} or {@link SupervisorReply.NotFound}.
   */
  public record TerminateDynamicChild(ActorRef<?> child, ActorRef<SupervisorReply> replyTo)
      implements Command {}

  /**
   * Starts a stopped static child again: OTP's {@code restart_child/2}. Answers {@link
   * SupervisorReply.Started}, {@link SupervisorReply.Ignored}, {@link SupervisorReply.Running},
   * {@link SupervisorReply.Restarting}, {@link SupervisorReply.NotFound}, {@link
   * SupervisorReply.StartFailed} or {@link SupervisorReply.SimpleOneForOne}.
   */
  public record RestartChild(String id, ActorRef<SupervisorReply> replyTo) implements Command {}

  /**
   * Removes the spec of a stopped static child: OTP's {@code delete_child/2}. Answers {@link
   * SupervisorReply.Ok}, {@link SupervisorReply.Running}, {@link SupervisorReply.Restarting},
   * {@link SupervisorReply.NotFound} or {@link SupervisorReply.SimpleOneForOne}.
   */
  public record DeleteChild(String id, ActorRef<SupervisorReply> replyTo) implements Command {}

  /**
   * The spec of the child with this id: OTP's {@code get_childspec(Sup, Id)}. Answers {@link
   * SupervisorReply.Spec} or {@link SupervisorReply.NotFound}. For a simple_one_for_one
   * supervisor, the template's id answers the template.
   */
  public record GetChildSpec(String id, ActorRef<SupervisorReply> replyTo) implements Command {}

  /**
   * The spec of a running child, found by its ref: OTP's {@code get_childspec(Sup, Pid)}. Answers
   * {@link SupervisorReply.Spec} (a dynamic child answers its template) or {@link
   * SupervisorReply.NotFound} when {@code child} is not a running child of this supervisor.
   */
  public record GetChildSpecOf(ActorRef<?> child, ActorRef<SupervisorReply> replyTo)
      implements Command {}

  /** Lists the children, most recently started first: OTP's {@code which_children/1}. */
  public record WhichChildren(ActorRef<List<ChildInfo>> replyTo) implements Command {}

  /** Counts the children: OTP's {@code count_children/1}. */
  public record CountChildren(ActorRef<ChildCounts> replyTo) implements Command {}

  /**
   * Stops every child in reverse start order, answers {@link SupervisorReply.Ok} and stops the
   * supervisor with reason {@code normal}: OTP's {@code gen_server:stop(Sup)}.
   */
  public record Stop(ActorRef<SupervisorReply> replyTo) implements Command {}
}
