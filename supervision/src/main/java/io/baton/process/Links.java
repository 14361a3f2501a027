package io.baton.process;

import io.baton.process.internal.ProcessInterceptor;
import io.baton.process.internal.ProcessSignal;
import io.baton.process.internal.ProcessState;
import java.util.Set;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * Erlang's links, monitors and exit signals for Pekko typed actors, on one node and across the
 * nodes of a Pekko cluster.
 *
 * <p>An actor takes part once it is a <em>process</em>: its behaviour is wrapped by {@link
 * #linkable} or {@link #trappingExits}, or it was started by a Baton supervisor (every supervised
 * child is a process). Then, from inside that actor:
 *
 * <ul>
 *   <li>{@link #link}: both sides are linked; when either exits with a reason other than {@code
 *       normal}, the other exits with the same reason, unless it traps exits, in which case it
 *       receives an {@link ExitSignal} message instead. A {@code normal} exit does not propagate.
 *   <li>{@link #monitor}: one {@link Down} message when the target exits, at once (with {@code
 *       noproc}) if it is already gone. Monitors are one-way and never kill.
 *   <li>{@link #exit}: sends an exit signal to any process; {@link ExitReason#kill()} cannot be
 *       trapped and makes the target exit {@code killed}.
 * </ul>
 *
 * <p>Linking and monitoring send the target a request through its mailbox. If the target stops
 * before it has taken the request (it exits, or its parent stops it, which overtakes the mailbox),
 * the link or monitor reports {@link ExitReason.NoProc}, as Erlang does for a process that died
 * before the link or monitor was set up. For a link that is an exit signal, which kills a
 * process that does not trap exits a moment after {@link #link} returned; {@link #tryLink}
 * answers with a {@link LinkResult} message instead, the closest Pekko gets to Erlang's
 * {@code link/1} failing with {@code noproc}.
 *
 * <p>The loss of a remote peer's node is delivered as {@link ExitReason.NodeDown}, once the
 * cluster has removed that node. Pekko watches remote actors only on nodes that are Up (or
 * WeaklyUp) in the watcher's view: link to or monitor a process on another node once that node
 * is Up, or its normal stop may go unnoticed until the node itself leaves. A process must not also {@code watch} a peer it links to or
 * monitors through its own context; Baton's watches are kept apart in a child actor named {@code
 * baton-peer-death-sensor}.
 */
public final class Links {

  private Links() {}

  /** Makes {@code behavior} a process that does not trap exits. */
  public static <T> Behavior<T> linkable(Behavior<T> behavior) {
    return ProcessInterceptor.wrap(behavior, null, null, null);
  }

  /**
   * Makes {@code behavior} a process that traps exits from its start: exit signals arrive as
   * messages made by {@code adapter}, and only {@link ExitReason#kill()} can still kill it.
   */
  public static <T> Behavior<T> trappingExits(
      Behavior<T> behavior, Function<ExitSignal, T> adapter) {
    return ProcessInterceptor.wrap(behavior, null, null, adapter);
  }

  /** Links the calling process and {@code other}. Linking twice, or to itself, does nothing. */
  public static void link(ActorContext<?> context, ActorRef<?> other) {
    ProcessState.current(context).link(other);
  }

  /**
   * Links the calling process and {@code other}, and tells it with one message made by {@code
   * adapter} whether the link was made: Erlang's {@code link/1} with its {@code noproc} error,
   * which Pekko cannot give synchronously. {@link LinkResult.Linked}: an ordinary link from then
   * on. {@link LinkResult.Failed} ({@code noproc}, or {@code noconnection} for a lost node):
   * {@code other} was gone before it took the link; there is no link and no exit signal, so a
   * process that does not trap exits lives on, where {@link #link} would kill it with {@code
   * noproc}. Messages the caller handles before the answer arrives see the link as pending:
   * {@link #links} already lists it.
   */
  public static <T> void tryLink(
      ActorContext<T> context, ActorRef<?> other, Function<LinkResult, T> adapter) {
    ProcessState.current(context).tryLink(other, adapter);
  }

  /** Removes the link between the calling process and {@code other}, on both sides. */
  public static void unlink(ActorContext<?> context, ActorRef<?> other) {
    ProcessState.current(context).unlink(other);
  }

  /** The processes the calling process is linked to now. */
  public static Set<ActorRef<?>> links(ActorContext<?> context) {
    return ProcessState.current(context).links();
  }

  /** Monitors {@code target}: one {@link Down}, made into a message by {@code adapter}, when it exits. */
  public static <T> MonitorRef monitor(
      ActorContext<T> context, ActorRef<?> target, Function<Down, T> adapter) {
    return ProcessState.current(context).monitor(target, adapter);
  }

  /** Drops a monitor; its {@link Down} will not be delivered after this call. */
  public static void demonitor(ActorContext<?> context, MonitorRef monitor) {
    ProcessState.current(context).demonitor(monitor);
  }

  /** From now on exit signals reach the calling process as messages made by {@code adapter}. */
  public static <T> void trapExits(ActorContext<T> context, Function<ExitSignal, T> adapter) {
    ProcessState.current(context).trapExits(adapter);
  }

  /** From now on exit signals other than {@code normal} kill the calling process again. */
  public static void stopTrappingExits(ActorContext<?> context) {
    ProcessState.current(context).stopTrappingExits();
  }

  /** Whether the calling process traps exits. */
  public static boolean isTrappingExits(ActorContext<?> context) {
    return ProcessState.current(context).isTrappingExits();
  }

  /**
   * Sends an exit signal with {@code reason} from the calling actor to {@code target}: Erlang's
   * {@code exit(Pid, Reason)}. The caller need not be a process.
   */
  public static void exit(ActorContext<?> context, ActorRef<?> target, ExitReason reason) {
    exit(context.getSelf(), target, reason);
  }

  /** Sends an exit signal with {@code reason} to {@code target}, as if from {@code from}. */
  public static void exit(ActorRef<?> from, ActorRef<?> target, ExitReason reason) {
    target
        .<Object>unsafeUpcast()
        .tell(new ProcessSignal.Exit(from.unsafeUpcast(), reason, false));
  }
}
