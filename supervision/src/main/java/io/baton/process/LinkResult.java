package io.baton.process;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * The answer {@link Links#tryLink} delivers, once, as a message: whether the link was made. It is
 * how a Baton process gets what Erlang's {@code link/1} gives synchronously, a {@code noproc}
 * error it can handle instead of an exit signal that kills it.
 */
public sealed interface LinkResult {

  /** The process the link was asked for. */
  ActorRef<?> peer();

  /**
   * The peer took the link: from now on it is an ordinary link. If the peer exits later, its exit
   * signal follows this message.
   */
  record Linked(ActorRef<?> peer) implements LinkResult {}

  /**
   * The peer was gone before it took the link: no link exists and no exit signal will arrive for
   * it, so a non-trapping caller lives on.
   *
   * @param reason {@link ExitReason.NoProc} (the peer did not exist, had stopped, or is not a
   *     Baton process) or {@link ExitReason.NodeDown} (its node was lost)
   */
  record Failed(ActorRef<?> peer, ExitReason reason) implements LinkResult {}
}
