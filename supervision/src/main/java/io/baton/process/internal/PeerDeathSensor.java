package io.baton.process.internal;

import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.Terminated;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * A small classic child of a process that death-watches the process's linked and monitored peers
 * and reports each death to its parent as a {@link ProcessSignal.PeerTerminated}.
 *
 * <p>It exists so that Baton's watches never mix with the watches the user's behaviour makes on
 * its own context, and because classic {@link Terminated} tells what the typed signal does not:
 * whether the peer existed at all ({@code existenceConfirmed}) and whether its node was lost
 * ({@code addressTerminated}). Created lazily, on the first link or monitor.
 */
final class PeerDeathSensor extends AbstractActor {

  record Watch(ActorRef peer) {}

  record Unwatch(ActorRef peer) {}

  static Props props() {
    return Props.create(PeerDeathSensor.class, PeerDeathSensor::new);
  }

  @Override
  public Receive createReceive() {
    return receiveBuilder()
        .match(Watch.class, w -> getContext().watch(w.peer()))
        .match(Unwatch.class, u -> getContext().unwatch(u.peer()))
        .match(
            Terminated.class,
            t ->
                getContext()
                    .parent()
                    .tell(
                        new ProcessSignal.PeerTerminated(
                            Adapter.toTyped(t.actor()),
                            t.existenceConfirmed(),
                            t.addressTerminated()),
                        ActorRef.noSender()))
        .build();
  }
}
