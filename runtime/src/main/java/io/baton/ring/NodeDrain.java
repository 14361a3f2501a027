package io.baton.ring;

import io.baton.supervision.ChildSpec;
import io.baton.services.NodeServices;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.ORSet;
import org.apache.pekko.cluster.ddata.ORSetKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster-wide set of drained nodes: nodes that are alive but must hold no shard, so that an
 * operator can stop them with no impact (docs/decisions/0011-drain.md). {@link
 * RingSuccessorAllocation} reads it on whichever node runs the shard coordinator.
 *
 * <h2>How the set is replicated</h2>
 * One Pekko Distributed Data {@code ORSet<String>} of node addresses ({@code
 * pekko://system@host:port}), key {@value #KEY_ID}. {@link #drain} and {@link #undrain} update it
 * with {@code WriteAll}: when they complete with {@code true}, every reachable member, the
 * coordinator's node included, holds the change; with {@code false} (a member did not answer in
 * time) the change holds locally and spreads by gossip. Concurrent drain and undrain of one node
 * merge add-wins. The key is the address, not the incarnation, so a drained node that is stopped
 * and started again on the same address (an upgrade) stays drained until it is undrained.
 *
 * <h2>Threads</h2>
 * A system actor subscribes to the key and replaces {@code drained}, an immutable set in a
 * volatile field, on every change; any thread reads it through {@link #drained}.
 */
public final class NodeDrain implements Extension {

  private static final Logger LOG = LoggerFactory.getLogger(NodeDrain.class);

  /** The Distributed Data key of the drained set. */
  public static final String KEY_ID = "baton-drained-nodes";

  private static final Key<ORSet<String>> KEY = ORSetKey.create(KEY_ID);

  private static final ExtensionId<NodeDrain> ID = new ExtensionId<>() {
    @Override
    public NodeDrain createExtension(ActorSystem<?> system) {
      return new NodeDrain(system);
    }
  };

  private final ActorSystem<?> system;
  private final ActorRef<Replicator.Command> replicator;
  private final SelfUniqueAddress self;
  private volatile Set<Address> drained = Set.of();

  private NodeDrain(ActorSystem<?> system) {
    this.system = system;
    DistributedData ddata = DistributedData.get(system);
    this.replicator = ddata.replicator();
    this.self = ddata.selfUniqueAddress();
    NodeServices.get(system).start(ChildSpec.worker("drained-nodes", this::subscriber));
  }

  /** The node's instance. */
  public static NodeDrain get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** The drained nodes as this node knows them now. */
  public Set<Address> drained() {
    return drained;
  }

  /**
   * The drained nodes as this node's replica holds them now, including a change this node wrote a
   * moment ago that {@link #drained} (updated by subscription, up to Distributed Data's
   * notify-subscribers-interval later) does not show yet. Operators read this, so that a status
   * asked right after a drain shows it.
   */
  public CompletionStage<Set<Address>> current(Duration timeout) {
    return AskPattern.<Replicator.Command, Replicator.GetResponse<ORSet<String>>>ask(
            replicator,
            replyTo -> new Replicator.Get<>(KEY, Replicator.readLocal(), replyTo),
            timeout,
            system.scheduler())
        .thenApply(response -> {
          if (response instanceof Replicator.GetSuccess<ORSet<String>> success) {
            return toAddresses(success.get(KEY));
          }
          // NotFound: nobody was ever drained; any other answer: fall back to the subscription.
          return response instanceof Replicator.NotFound ? Set.<Address>of() : drained;
        });
  }

  private static Set<Address> toAddresses(ORSet<String> set) {
    Set<Address> nodes = new HashSet<>();
    for (String address : set.getElements()) {
      nodes.add(AddressFromURIString.parse(address));
    }
    return Set.copyOf(nodes);
  }

  /**
   * Marks {@code node} drained: from now on the coordinator allocates nothing to it and moves its
   * shards to its ring successor. Completes with {@code true} once every reachable member holds
   * the change, {@code false} if some member did not confirm within {@code timeout} (the change
   * still holds and spreads).
   */
  public CompletionStage<Boolean> drain(Address node, Duration timeout) {
    LOG.info("Drain of {} requested", node);
    return update(Objects.requireNonNull(node, "node"), true, timeout);
  }

  /** Clears {@code node}'s drain: ordinary rebalancing gives it its share back. As {@link #drain}. */
  public CompletionStage<Boolean> undrain(Address node, Duration timeout) {
    LOG.info("Undrain of {} requested", node);
    return update(Objects.requireNonNull(node, "node"), false, timeout);
  }

  private CompletionStage<Boolean> update(Address node, boolean add, Duration timeout) {
    // An ORSet removes only the additions this replica has seen. A node that has just (re)started
    // may not have received the drain yet: its undrain removed nothing, and the next merge brought
    // the drain back (the node then never got shards again). So read every reachable member's copy
    // first (a Get merges what it reads into the local replica), then update. A read that times
    // out still leaves what it did read merged; the update goes ahead.
    return AskPattern.<Replicator.Command, Replicator.GetResponse<ORSet<String>>>ask(
            replicator,
            replyTo -> new Replicator.Get<>(KEY, new Replicator.ReadAll(timeout), replyTo),
            timeout.plusSeconds(1),
            system.scheduler())
        .handle((read, failure) -> null)
        .thenCompose(ignored -> write(node, add, timeout));
  }

  private CompletionStage<Boolean> write(Address node, boolean add, Duration timeout) {
    String element = node.toString();
    return AskPattern.<Replicator.Command, Replicator.UpdateResponse<ORSet<String>>>ask(
            replicator,
            replyTo -> new Replicator.Update<>(KEY, ORSet.empty(),
                new Replicator.WriteAll(timeout), replyTo,
                set -> add ? set.add(self, element) : set.remove(self, element)),
            timeout.plusSeconds(1),
            system.scheduler())
        .thenApply(response -> {
          if (response instanceof Replicator.UpdateSuccess) {
            return true;
          }
          if (response instanceof Replicator.UpdateTimeout) {
            return false;
          }
          throw new IllegalStateException("The drained-nodes set could not be updated ("
              + response + "); the drain of " + node + " is unchanged: try again");
        });
  }

  private Behavior<Replicator.SubscribeResponse<ORSet<String>>> subscriber() {
    return Behaviors.setup(context -> {
      replicator.tell(new Replicator.Subscribe<>(KEY, context.getSelf()));
      return Behaviors.receive((Class<Replicator.SubscribeResponse<ORSet<String>>>) (Class<?>)
              Replicator.SubscribeResponse.class)
          .onMessage(Replicator.Changed.class, changed -> {
            @SuppressWarnings("unchecked")
            ORSet<String> set = (ORSet<String>) changed.dataValue();
            Set<Address> nodes = toAddresses(set);
            if (!nodes.equals(drained)) {
              LOG.info("Drained nodes now {}", nodes);
            }
            drained = Set.copyOf(nodes);
            return Behaviors.same();
          })
          .build();
    });
  }
}
