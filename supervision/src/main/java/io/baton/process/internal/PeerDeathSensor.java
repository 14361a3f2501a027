package io.baton.process.internal;

import io.baton.process.NodeLoss;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
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
 *
 * <p>Once its process watches a remote peer it also listens for {@link NodeLoss.ProcessGone} on the
 * event stream ({@link #listenForNodeLoss}): a peer on a node whose process is known to be gone is reported at once as if its node
 * had been removed ({@code addressTerminated}), and no longer watched. Only this actor touches its
 * set of watched peers.
 */
final class PeerDeathSensor extends AbstractActor {

  record Watch(ActorRef peer) {}

  record Unwatch(ActorRef peer) {}

  static Props props() {
    return Props.create(PeerDeathSensor.class, PeerDeathSensor::new);
  }

  private final Set<ActorRef> watched = new HashSet<>();

  @Override
  public Receive createReceive() {
    return receiveBuilder()
        .match(Watch.class, w -> watch(w.peer()))
        .match(Unwatch.class, u -> {
          watched.remove(u.peer());
          getContext().unwatch(u.peer());
        })
        .match(Terminated.class, t -> {
          watched.remove(t.actor());
          report(t.actor(), t.existenceConfirmed(), t.addressTerminated());
        })
        .match(NodeLoss.ProcessGone.class, this::onNodeProcessGone)
        .build();
  }

  private void watch(ActorRef peer) {
    watched.add(peer);
    getContext().watch(peer);
  }

  /**
   * Subscribes {@code sensor} to node-loss reports. Called by its process, on its own thread,
   * when it first watches a remote peer: the subscription exists before the link or monitor call
   * returns, so no report made after it can be missed.
   */
  static void listenForNodeLoss(ActorRef sensor, org.apache.pekko.actor.ActorSystem system) {
    system.getEventStream().subscribe(sensor, NodeLoss.ProcessGone.class);
  }

  private void onNodeProcessGone(NodeLoss.ProcessGone gone) {
    for (Iterator<ActorRef> it = watched.iterator(); it.hasNext(); ) {
      ActorRef peer = it.next();
      if (peer.path().address().equals(gone.node())) {
        it.remove();
        getContext().unwatch(peer);
        report(peer, true, true);
      }
    }
  }

  private void report(ActorRef peer, boolean existenceConfirmed, boolean addressTerminated) {
    getContext().parent().tell(
        new ProcessSignal.PeerTerminated(Adapter.toTyped(peer), existenceConfirmed,
            addressTerminated),
        ActorRef.noSender());
  }
}
