package io.baton.process;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * The message a process that traps exits receives instead of dying: Erlang's
 * {@code {'EXIT', From, Reason}}. It arrives when a linked process exits (any reason, including
 * {@link ExitReason.Normal}) or when someone calls {@link Links#exit} on this process.
 *
 * <p>A trapping child of a Baton supervisor receives {@code ExitSignal(supervisor, Shutdown)}
 * when the supervisor stops it; it should clean up and return {@code Behaviors.stopped()}, and it
 * then exits with {@code shutdown}, the signal's reason (a behaviour that stops while handling its
 * parent's exit signal exits with that signal's reason). Otherwise it is killed when its shutdown
 * time runs out.
 *
 * @param from the process the signal came from
 * @param reason why it exited, or the reason given to {@code exit}
 */
public record ExitSignal(ActorRef<?> from, ExitReason reason) {}
