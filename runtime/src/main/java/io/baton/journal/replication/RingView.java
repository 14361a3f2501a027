package io.baton.journal.replication;

import io.baton.ring.Ring;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;

/**
 * The ring as this node sees it now: its Up members in ring order. Reading it is cheap (the ring
 * is recomputed only when Pekko's cluster state object changes); an actor system without the
 * cluster provider is a ring of one.
 *
 * <p>Thread-safe: the cached pair is replaced as one immutable snapshot.
 */
final class RingView {

  private record Snapshot(ClusterEvent.CurrentClusterState state, Ring ring) {}

  private final Cluster cluster;
  private final Address self;
  private volatile Snapshot snapshot;

  RingView(ActorSystem system) {
    boolean clustered =
        system.settings().ProviderClass().equals("org.apache.pekko.cluster.ClusterActorRefProvider");
    this.cluster = clustered ? Cluster.get(system) : null;
    this.self = clustered ? cluster.selfAddress() : system.provider().getDefaultAddress();
  }

  boolean isClustered() {
    return cluster != null;
  }

  Address self() {
    return self;
  }

  /** The Up members that no node has marked unreachable, in ring order. */
  List<Address> reachableMembers() {
    Ring ring = ring();
    if (cluster == null) {
      return ring.nodes();
    }
    List<Address> reachable = new ArrayList<>(ring.nodes());
    for (Member member : cluster.state().getUnreachable()) {
      reachable.remove(member.address());
    }
    return reachable;
  }

  /** The Up members in ring order (just this node without a cluster). */
  Ring ring() {
    if (cluster == null) {
      return Ring.of(List.of(self));
    }
    ClusterEvent.CurrentClusterState state = cluster.state();
    Snapshot cached = snapshot;
    if (cached != null && cached.state() == state) {
      return cached.ring();
    }
    List<Address> up = new ArrayList<>();
    for (Member member : state.getMembers()) {
      if (member.status().equals(MemberStatus.up()) || member.status().equals(MemberStatus.leaving())) {
        up.add(member.address());
      }
    }
    Ring ring = Ring.of(up);
    snapshot = new Snapshot(state, ring);
    return ring;
  }
}
