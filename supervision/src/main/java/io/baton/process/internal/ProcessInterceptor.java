package io.baton.process.internal;

import io.baton.process.ExitReason;
import io.baton.process.ExitSignal;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a Pekko behaviour a Baton process: the outermost layer of the actor, which takes the
 * {@link ProcessSignal} protocol out of the mailbox, records how the actor exits and tells its
 * links and monitors.
 *
 * <p>How an exit is recognised: an exception escaping the behaviour (its reason, see {@link
 * ExitReason#of}); the behaviour returning {@code Behaviors.stopped()} ({@code normal}, or the
 * reason of its parent's exit signal if it stops while handling that signal); a fatal
 * exit signal ({@code ProcessExit} thrown here); and a stop with none of these, which can only be
 * a stop from outside ({@code context.stop} by the parent, a brutal kill, or the actor system
 * ending), reported as {@code killed}.
 *
 * <p>Failures are not logged by Pekko (the actor is wrapped in a stop strategy with logging off):
 * a supervised process's exit is reported by its supervisor as a structured event, and an
 * unsupervised one is logged here in one line, without a stack trace on the exit path.
 */
public final class ProcessInterceptor<T> extends BehaviorInterceptor<Object, T> {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessInterceptor.class);

  private final ProcessState state;
  /**
   * The process layer that already makes this actor a process, when this one is redundant (a
   * Baton process started as a supervised child, say): this layer then only tells it the reason of
   * a failure, which the stop supervision wrapped around this layer would otherwise hide from it.
   */
  private ProcessState outer;

  private ProcessInterceptor(ProcessState state) {
    super(Object.class);
    this.state = state;
  }

  /**
   * Wraps {@code behavior} as a process.
   *
   * @param parent the Baton supervisor that starts it, or {@code null}
   * @param startNotice called after a successful start, or {@code null}
   * @param trap the adapter for exit signals if the process traps exits from the start, or null
   */
  @SuppressWarnings("unchecked")
  public static <T> Behavior<T> wrap(
      Behavior<T> behavior,
      ActorRef<?> parent,
      ProcessState.StartNotice startNotice,
      Function<ExitSignal, T> trap) {
    ActorRef<Object> parentRef = parent == null ? null : parent.unsafeUpcast();
    Behavior<Object> intercepted =
        Behaviors.intercept(
            () ->
                new ProcessInterceptor<T>(
                    new ProcessState(parentRef, startNotice, (Function<ExitSignal, Object>) trap)),
            behavior);
    Behavior<Object> quiet =
        Behaviors.supervise(intercepted)
            .onFailure(Throwable.class, SupervisorStrategy.stop().withLoggingEnabled(false));
    return (Behavior<T>) (Behavior<?>) quiet;
  }

  @Override
  public Behavior<T> aroundStart(TypedActorContext<Object> ctx, PreStartTarget<T> target) {
    ProcessState enclosing = ProcessState.enclosing(ctx.asJava());
    if (enclosing != null) {
      outer = enclosing;
      outer.adopt(state);
      return tellingOuterOfFailure(() -> target.start(ctx));
    }
    state.bind(ctx.asJava());
    ProcessState[] current = ProcessState.currentSlot();
    ProcessState previous = current[0];
    current[0] = state;
    try {
      Behavior<T> started = target.start(ctx);
      if (Behavior.isAlive(started)) {
        state.startCompleted();
      } else if (state.exitReason() != null && !state.exitReason().isNormal()) {
        state.startFailed(); // an inner, redundant layer saw the start fail
      } else {
        state.exited(ExitReason.normal());
      }
      return started;
    } catch (Throwable failure) {
      exitOnFailure(ctx, failure);
      state.startFailed();
      throw failure;
    } finally {
      current[0] = previous;
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public Behavior<T> aroundReceive(
      TypedActorContext<Object> ctx, Object message, ReceiveTarget<T> target) {
    if (outer != null) {
      return tellingOuterOfFailure(() -> target.apply(ctx, (T) message));
    }
    ProcessState[] current = ProcessState.currentSlot();
    ProcessState previous = current[0];
    current[0] = state;
    try {
      if (message instanceof ProcessSignal signal) {
        List<Object> deliveries = state.onSignal(signal);
        if (deliveries.isEmpty()) {
          return Behaviors.same();
        }
        for (int i = 1; i < deliveries.size(); i++) {
          ctx.asJava().getSelf().tell(deliveries.get(i));
        }
        return deliverToBehavior(
            ctx, (T) deliveries.get(0), target, state.reasonIfStoppedHandling(signal));
      }
      return deliverToBehavior(ctx, (T) message, target, ExitReason.normal());
    } finally {
      current[0] = previous;
    }
  }

  /** Hands {@code message} to the behaviour; if it stops, the process exits {@code ifStopped}. */
  private Behavior<T> deliverToBehavior(
      TypedActorContext<Object> ctx, T message, ReceiveTarget<T> target, ExitReason ifStopped) {
    try {
      Behavior<T> next = target.apply(ctx, message);
      if (!Behavior.isAlive(next)) {
        state.exited(ifStopped);
      }
      return next;
    } catch (Throwable failure) {
      exitOnFailure(ctx, failure);
      throw failure;
    }
  }

  @Override
  public Behavior<T> aroundSignal(
      TypedActorContext<Object> ctx, Signal signal, SignalTarget<T> target) {
    if (outer != null) {
      return tellingOuterOfFailure(() -> target.apply(ctx, signal));
    }
    ProcessState[] current = ProcessState.currentSlot();
    ProcessState previous = current[0];
    current[0] = state;
    try {
      Behavior<T> next = target.apply(ctx, signal);
      if (signal == PostStop.instance()) {
        state.exited(ExitReason.killed()); // no-op unless the stop came from outside
      } else if (!Behavior.isAlive(next)) {
        state.exited(ExitReason.normal());
      }
      return next;
    } catch (Throwable failure) {
      exitOnFailure(ctx, failure);
      throw failure;
    } finally {
      current[0] = previous;
    }
  }

  /** For a redundant layer: runs {@code step}; a failure's reason is recorded on the outer layer. */
  private Behavior<T> tellingOuterOfFailure(Supplier<Behavior<T>> step) {
    try {
      return step.get();
    } catch (Throwable failure) { // also a checked exception a Java handler threw
      outer.exited(ExitReason.of(failure));
      throw failure;
    }
  }

  private void exitOnFailure(TypedActorContext<Object> ctx, Throwable failure) {
    boolean first = state.exitReason() == null;
    state.exited(ExitReason.of(failure));
    if (first && state.parent() == null && !state.exitReason().isNormalOrShutdown()) {
      LOG.warn("process {} exited: {}", ctx.asJava().getSelf().path(), state.exitReason());
    }
  }
}
