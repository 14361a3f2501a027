package io.baton.process.internal;

import io.baton.process.ExitReason;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The wire protocol between Baton processes: link and monitor bookkeeping and exit signals. These
 * messages are sent to a process's own {@link ActorRef} and taken out of its mailbox by the
 * {@link ProcessInterceptor} before the user's behaviour could see them; they cross nodes as JSON.
 */
public sealed interface ProcessSignal {

  /**
   * {@code from} linked itself to the receiver; the receiver links back and, if {@code confirm},
   * answers {@link LinkAccepted}.
   */
  record Link(ActorRef<Object> from, boolean confirm) implements ProcessSignal {}

  /** The receiver of a confirmed {@link Link} from this process took it. */
  record LinkAccepted(ActorRef<Object> from) implements ProcessSignal {}

  /** {@code from} removed its link to the receiver; the receiver removes its side. */
  record Unlink(ActorRef<Object> from) implements ProcessSignal {}

  /**
   * An exit signal: {@code from} exited with {@code reason} (over a link), or called
   * {@code exit(receiver, reason)} (not over a link).
   */
  record Exit(ActorRef<Object> from, ExitReason reason, boolean viaLink) implements ProcessSignal {}

  /** {@code watcher} monitors the receiver under {@code id}. */
  record Monitor(String id, ActorRef<Object> watcher) implements ProcessSignal {}

  /** {@code watcher} dropped its monitor {@code id}. */
  record Demonitor(String id, ActorRef<Object> watcher) implements ProcessSignal {}

  /** The monitored {@code target} exited with {@code reason}; sent to the watcher of monitor {@code id}. */
  record DownNotice(String id, ActorRef<Object> target, ExitReason reason) implements ProcessSignal {}

  /**
   * Local only, from the process's {@link PeerDeathSensor}: Pekko's death watch saw {@code peer}
   * stop, with Pekko's two facts about how.
   */
  record PeerTerminated(ActorRef<Object> peer, boolean existenceConfirmed, boolean addressTerminated)
      implements ProcessSignal {}

  /** Local only: the wait for a remote peer's own exit signal after its death is over. */
  record ExitSignalOverdue(ActorRef<Object> peer) implements ProcessSignal {}
}
