package io.baton.journal.replication;

import com.typesafe.config.Config;
import io.baton.journal.replication.ReplicationMessage.EpochState;
import io.baton.journal.replication.ReplicationMessage.RangeReply;
import io.baton.journal.replication.ReplicationMessage.ReplicateReply;
import io.baton.journal.store.EventRecord;
import io.baton.journal.store.JournalStore;
import io.baton.journal.store.JournalStoreRegistry;
import io.baton.journal.store.PluginSettings;
import io.baton.journal.store.SnapshotCriteria;
import io.baton.journal.store.SnapshotRecord;
import io.baton.ring.Ring;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import io.baton.services.NodeServices;
import io.baton.supervision.ChildSpec;
import io.baton.supervision.SupervisorSpec;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replication half of Baton's journal on one node: the node's store, its replica endpoint,
 * and the owner-side protocol (replicate a write, take ownership of an entity, read from a
 * replica). One per actor system, started by the journal plugin or by the node at start-up (a
 * node that only holds replicas must start it: {@code JournalReplication.get(system)}).
 *
 * <h2>Where events live</h2>
 * A node that writes an entity's events is its <em>owner</em>; its events are kept on the owner
 * and its next {@code factor - 1} ring successors (its <em>replica set</em>). The set shrinks only
 * when the ring is smaller than the factor (then {@link #status} says data is under-replicated),
 * never because a member is merely unreachable: a write then waits for the member or for the Split
 * Brain Resolver to remove it, so no write is acknowledged by fewer replicas than promised.
 *
 * <h2>Fencing</h2>
 * Before an owner replays an entity it raises the entity's epoch on every live member of the ring
 * (strictly above every epoch any of them holds; its own replica set included) and tops its own
 * copy up from the member with the most events. Every member, because the previous owner's replica
 * set need not meet the new owner's once the ring has more than factor + 1 nodes. Every later write carries that epoch; a store refuses a write with a lower epoch, in the
 * same atomic step as the write. A node taken over while frozen or cut off wakes up with a stale
 * epoch: its successor, which took over, is in its replica set, so its next synchronous write is
 * refused there and never acknowledged. See {@code docs/decisions/0007-replication-and-fencing.md}.
 */
public final class JournalReplication implements Extension {

  private static final Logger LOG = LoggerFactory.getLogger(JournalReplication.class);

  /** The id of the journal's services in the node's service tree ({@link NodeServices}). */
  public static final String SERVICE = "journal";
  private static final int ACQUIRE_ATTEMPTS = 5;
  /** How often a wait for a member outside the replica set checks that it is still a member. */
  private static final java.time.Duration MEMBERSHIP_POLL = java.time.Duration.ofMillis(50);

  /** The extension id. */
  public static final class Id extends AbstractExtensionId<JournalReplication> {
    @Override
    public JournalReplication createExtension(ExtendedActorSystem system) {
      return new JournalReplication(system);
    }
  }

  private static final Id ID = new Id();

  public static JournalReplication get(ActorSystem system) {
    return ID.get(system);
  }

  public static JournalReplication get(org.apache.pekko.actor.typed.ActorSystem<?> system) {
    return ID.get(Adapter.toClassic(system));
  }

  private final org.apache.pekko.actor.typed.ActorSystem<Void> typed;
  private final JournalStoreRegistry.Lease lease;
  private final JournalStore store;
  private final ReplicationSettings settings;
  private final RingView ringView;
  private final String self;
  private final Map<Address, ActorRef<ReplicationMessage>> endpoints = new ConcurrentHashMap<>();
  private final AtomicLong replicatedEvents = new AtomicLong();
  private final Map<Address, ReplicaLink> links = new ConcurrentHashMap<>();
  /** Members downed or removed and not Up again: never replica targets (see replicaLeft). */
  private final java.util.Set<Address> left = ConcurrentHashMap.newKeySet();
  /** This node was downed or removed (set once, by the ring watch): every write fails. */
  private volatile boolean selfLeft;
  /** Ownership questions waiting for each node's answer; failed at once if it leaves. */
  private final Map<Address, java.util.Set<CompletableFuture<?>>> askedNodes =
      new ConcurrentHashMap<>();
  /** How many times one write follows the ring to new targets before it fails. */
  private static final int MAX_REROUTES = 3;
  /** The configuration key of the transport's frame size, which bounds every message. */
  public static final String FRAME_SIZE = "pekko.remote.artery.advanced.maximum-frame-size";
  /**
   * Bytes of a frame kept for what a replication message holds beyond its events' estimated size
   * (Artery's envelope, the actor paths, the owner's address, the CBOR framing).
   */
  static final long FRAME_RESERVE = 8 * 1024;
  /** The most bytes of events one replication message carries: the frame less the reserve. */
  private final long maxMessageBytes;
  private final ConcurrentHashMap<String, ReplicaCatchUp.Progress> catchUp =
      new ConcurrentHashMap<>();
  /** The key of how long a damaged store waits for a member to repair it from. */
  static final String REPAIR_TIMEOUT = "baton.journal.integrity.repair-timeout";
  /** The repair of a store opened from a damaged log; done at once for an intact store. */
  private final StoreRepair repair;

  private JournalReplication(ExtendedActorSystem system) {
    Config config = system.settings().config();
    PluginSettings plugin = PluginSettings.fromConfig(config.getConfig("baton.journal"),
        "baton.journal");
    this.typed = Adapter.toTyped(system);
    this.settings = ReplicationSettings.fromConfig(config.getConfig("baton.journal.replication"));
    this.maxMessageBytes = messageBound(config);
    this.lease = JournalStoreRegistry.acquire(plugin.store());
    this.store = lease.store();
    this.ringView = new RingView(system);
    this.self = ringView.self().toString();
    // The node's journal services, one child supervisor of the node's tree: the replica endpoint
    // (other nodes address it by path, the same for every incarnation; each incarnation is the
    // local one from its start), then catch-up and the ring watch, restarted after it.
    Address selfAddress = ringView.self();
    List<ChildSpec> services = new ArrayList<>();
    services.add(ChildSpec.worker(ReplicaEndpoint.NAME,
        () -> Behaviors.<ReplicationMessage>setup(context -> {
          endpoints.put(selfAddress, context.getSelf());
          return ReplicaEndpoint.create(store, self, maxMessageBytes);
        })));
    services.add(ChildSpec.worker("catch-up",
        () -> ReplicaCatchUp.create(this, catchUp, ringView.isClustered())));
    if (ringView.isClustered()) {
      services.add(ChildSpec.worker("ring-watch", this::ringWatch));
    }
    NodeServices.get(typed).start(ChildSpec.supervisor(SERVICE, SupervisorSpec.restForOne()
        .withIntensity(5, java.time.Duration.ofSeconds(30)).withChildren(services)));
    system.registerOnTermination(lease::close);
    java.util.Optional<String> damage = store.damage();
    this.repair = damage.isEmpty() ? StoreRepair.none(this, store)
        : StoreRepair.start(this, store, damage.get(), config.getDuration(REPAIR_TIMEOUT));
  }

  /**
   * Completes when this node's store may be served: at once for an intact store; for one opened
   * from a damaged write-ahead log, once it was repaired from the other members ({@link
   * StoreRepair}). Fails, with what to do, if it cannot be. The journal waits for it before any
   * recovery or write.
   */
  public CompletionStage<Void> integrity() {
    return repair.done();
  }

  /** The members a damaged store can be repaired from: none until this node is Up. */
  List<Address> repairSources() {
    if (!ringView.isClustered() || !ringView.ring().nodes().contains(ringView.self())) {
      return List.of();
    }
    List<Address> others = new ArrayList<>(ringView.reachableMembers());
    others.remove(ringView.self());
    others.removeAll(left);
    return others;
  }

  void schedule(java.time.Duration delay, Runnable action) {
    typed.scheduler().scheduleOnce(delay, action, typed.executionContext());
  }

  CompletionStage<ReplicationMessage.Held> listHeld(Address member, String after, int max) {
    return AskPattern.<ReplicationMessage, ReplicationMessage.Held>ask(endpoint(member),
        replyTo -> new ReplicationMessage.ListHeld(after, max, replyTo), settings.ackTimeout(),
        typed.scheduler());
  }

  /**
   * The most bytes of events one replication message carries, below the transport's frame size;
   * checked at start against {@code baton.limits.max-event-bytes}, so that every event the journal
   * accepts fits in one message.
   */
  static long messageBound(Config config) {
    long frame = config.getBytes(FRAME_SIZE);
    long bound = frame - FRAME_RESERVE;
    io.baton.limits.Limits limits = io.baton.limits.Limits.fromConfig(config);
    // The largest event with an entity id of the longest allowed length, as a message sees it.
    long largest = limits.maxEventBytes() + ReplicaLink.EVENT_OVERHEAD
        + 2L * 3 * (limits.maxEntityIdLength() + 256);
    if (largest > bound) {
      throw new IllegalArgumentException(io.baton.limits.Limits.PATH + ".max-event-bytes = "
          + limits.maxEventBytes() + " does not fit in one replication message under "
          + FRAME_SIZE + " = " + frame + " (an event of that size, with its persistence id,"
          + " takes about " + (largest + FRAME_RESERVE) + " bytes of a frame): lower the"
          + " first or raise the second (on every node)");
    }
    return bound;
  }

  /** The estimated bytes of one persistence id's {@code events} in a replication message. */
  public static long estimatedSize(List<EventRecord> events) {
    return ReplicaLink.size(events);
  }

  /** The most bytes of events one replication message carries (see {@link #messageBound}). */
  public long maxMessageBytes() {
    return maxMessageBytes;
  }

  /** The node's store. */
  public JournalStore store() {
    return store;
  }

  public ReplicationSettings settings() {
    return settings;
  }

  /** This node's address, as replicas name it. */
  public String self() {
    return self;
  }

  /** The ring now, as this node sees it. */
  public Ring ring() {
    return liveRing();
  }

  /** The other nodes that must hold what this node writes, now. */
  public List<Address> replicaTargets() {
    List<Address> set = liveRing().replicaSet(ringView.self(), settings.factor());
    return set.subList(1, set.size());
  }

  /** The ring without the members this node knows were downed or removed. */
  private Ring liveRing() {
    Ring ring = ringView.ring();
    if (left.isEmpty()) {
      return ring;
    }
    List<Address> nodes = new ArrayList<>(ring.nodes());
    if (!nodes.removeAll(left)) {
      return ring;
    }
    return Ring.of(nodes);
  }

  /** Tells {@link #replicaLeft} and {@link #replicaJoined} of membership changes. */
  private org.apache.pekko.actor.typed.Behavior<org.apache.pekko.cluster.ClusterEvent.MemberEvent>
      ringWatch() {
    return org.apache.pekko.actor.typed.javadsl.Behaviors.setup(context -> {
      org.apache.pekko.cluster.typed.Cluster.get(context.getSystem()).subscriptions().tell(
          org.apache.pekko.cluster.typed.Subscribe.create(context.getSelf(),
              org.apache.pekko.cluster.ClusterEvent.MemberEvent.class));
      return org.apache.pekko.actor.typed.javadsl.Behaviors.receiveMessage(event -> {
        if (event instanceof org.apache.pekko.cluster.ClusterEvent.MemberDowned
            || event instanceof org.apache.pekko.cluster.ClusterEvent.MemberRemoved) {
          replicaLeft(event.member().address());
        } else if (event instanceof org.apache.pekko.cluster.ClusterEvent.MemberUp) {
          replicaJoined(event.member().address());
        }
        return org.apache.pekko.actor.typed.javadsl.Behaviors.same();
      });
    });
  }

  // ----------------------------------------------------------------------------- writing

  /**
   * Sends {@code events} to every replica target; the stage completes when all have made them
   * durable, or fails with {@link FencedException} (a replica holds a newer epoch) or {@link
   * ReplicationException} (a replica failed or did not answer within the ack timeout).
   */
  public CompletionStage<Void> replicate(List<EventRecord> events, Map<String, Long> epochs) {
    return replicate(events, epochs, java.util.Set.of(), 0);
  }

  /**
   * Sends to the replica targets not yet in {@code confirmed}. A target that leaves the ring
   * while the write waits for it ({@link ReplicaLeftRing}) does not fail the write: it is sent
   * again to the targets of the ring as it is then (the dead node's successor takes its place),
   * which is what the replica set means once the cluster has removed the node. Without this, a
   * write in flight to a node killed with SIGKILL waited the whole ack-timeout (10 s) and then
   * failed, stopping its entity: measured in the bank demo as a 10 s takeover.
   */
  private CompletionStage<Void> replicate(List<EventRecord> events, Map<String, Long> epochs,
      java.util.Set<Address> confirmed, int reroutes) {
    if (selfLeft) {
      return CompletableFuture.failedFuture(downed());
    }
    List<Address> targets = new ArrayList<>(replicaTargets());
    targets.removeAll(confirmed);
    targets.removeAll(left);
    if (targets.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    List<CompletableFuture<Address>> acks = new ArrayList<>(targets.size());
    for (Address target : targets) {
      acks.add(replicateTo(target, events, epochs).toCompletableFuture()
          .handle((done, failure) -> {
            if (failure == null) {
              return target;
            }
            Throwable cause = failure instanceof java.util.concurrent.CompletionException
                && failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof ReplicaLeftRing && reroutes < MAX_REROUTES) {
              return null;
            }
            throw failure instanceof java.util.concurrent.CompletionException completion
                ? completion : new java.util.concurrent.CompletionException(cause);
          }));
    }
    return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).thenCompose(all -> {
      java.util.Set<Address> now = new java.util.HashSet<>(confirmed);
      boolean rerouted = false;
      for (CompletableFuture<Address> ack : acks) {
        Address target = ack.join();
        if (target == null) {
          rerouted = true;
        } else {
          now.add(target);
        }
      }
      return rerouted ? replicate(events, epochs, now, reroutes + 1)
          : CompletableFuture.completedFuture(null);
    });
  }

  /**
   * {@code member} was downed or removed: it is no replica target any more, even before this
   * node's view of the ring says so, and the writes waiting for it go to the new targets at once.
   * Called by the ring watch; a member that comes back Up is a target again.
   */
  void replicaLeft(Address member) {
    if (member.equals(ringView.self())) {
      selfLeft();
      return;
    }
    if (selfLeft) {
      // Once this node is downed, Pekko reports every other member removed as it shuts its
      // cluster down: that is not the ring shrinking, and must not turn a pending write into a
      // write with no replica.
      return;
    }
    left.add(member);
    endpoints.remove(member);
    java.util.Set<CompletableFuture<?>> asked = askedNodes.remove(member);
    if (asked != null) {
      for (CompletableFuture<?> waiting : asked) {
        waiting.completeExceptionally(new ReplicaLeftRing(member + " left the ring"));
      }
    }
    ReplicaLink link = links.remove(member);
    if (link != null) {
      link.abandon();
    }
  }

  /**
   * This node was downed or removed: it owns nothing any more (the cluster has given its entities
   * to other nodes, which raised their epochs on its replicas), so every write waiting for a
   * replica fails now, and every later write and ownership request fails at once. Without this, a
   * node downed after a freeze saw every other member removed while it shut down, rerouted its
   * pending write to "the replica set as it is now" (itself alone) and acknowledged it.
   */
  private void selfLeft() {
    selfLeft = true;
    ReplicationException failure = downed();
    for (java.util.Set<CompletableFuture<?>> waiting : askedNodes.values()) {
      for (CompletableFuture<?> future : waiting) {
        future.completeExceptionally(failure);
      }
    }
    for (ReplicaLink link : links.values()) {
      link.abandon();
    }
  }

  private ReplicationException downed() {
    return new ReplicationException("this node (" + self + ") was downed or removed from the"
        + " cluster: it owns no entity any more and refuses to write; restart it to rejoin");
  }

  /** {@code member} is Up (again): it may be a replica target. */
  void replicaJoined(Address member) {
    left.remove(member);
  }

  /**
   * Sends {@code events} to one replica, batched with the other writes waiting for it (see
   * {@link ReplicaLink}); completes when it has made them durable.
   */
  CompletionStage<Void> replicateTo(
      Address target, List<EventRecord> events, Map<String, Long> epochs) {
    if (left.contains(target)) {
      // No link to a member that left (catch-up may still be sending it an entity's events):
      // a batch in flight to the dead incarnation would hold the new one's first writes.
      return CompletableFuture.failedFuture(new ReplicaLeftRing(target + " left the ring"));
    }
    return link(target).submit(events, epochs).thenRun(
        () -> replicatedEvents.addAndGet(events.size()));
  }

  private ReplicaLink link(Address target) {
    return links.computeIfAbsent(target, address -> new ReplicaLink(address, maxMessageBytes,
        batch -> AskPattern.ask(endpoint(address),
            replyTo -> new ReplicationMessage.Replicate(self, batch.events(), batch.epochs(),
                replyTo),
            settings.ackTimeout(), typed.scheduler())));
  }

  /** Events sent to replicas and not yet confirmed, summed over the replica targets. */
  public long replicationLag() {
    long lag = 0;
    for (Address target : replicaTargets()) {
      ReplicaLink link = links.get(target);
      if (link != null) {
        lag += link.lag();
      }
    }
    return lag;
  }

  /** The highest sequence number {@code target} holds for each of {@code pids}. */
  CompletionStage<Map<String, Long>> queryHighest(Address target, List<String> pids) {
    return AskPattern.<ReplicationMessage, ReplicationMessage.Highest>ask(endpoint(target),
            replyTo -> new ReplicationMessage.QueryHighest(List.copyOf(pids), replyTo),
            settings.ackTimeout(), typed.scheduler())
        .thenApply(ReplicationMessage.Highest::contiguousSequenceNrs);
  }

  /** Stores a copy of {@code snapshot} on every replica target. */
  public CompletionStage<Void> replicateSnapshot(SnapshotRecord snapshot) {
    return toAllTargets(target -> AskPattern.ask(endpoint(target),
        replyTo -> new ReplicationMessage.SaveSnapshot(snapshot, replyTo),
        settings.ackTimeout(), typed.scheduler()));
  }

  /** Stores a copy of {@code snapshot} on one replica. */
  CompletionStage<Void> replicateSnapshotTo(Address target, SnapshotRecord snapshot) {
    return AskPattern.<ReplicationMessage, ReplicateReply>ask(endpoint(target),
            replyTo -> new ReplicationMessage.SaveSnapshot(snapshot, replyTo),
            settings.ackTimeout(), typed.scheduler())
        .handle((answer, failure) -> {
          check(target, answer, failure);
          return (Void) null;
        });
  }

  /** Deletes the matching snapshots on every replica target. */
  public CompletionStage<Void> replicateSnapshotDeletion(
      String persistenceId, SnapshotCriteria criteria) {
    return toAllTargets(target -> AskPattern.ask(endpoint(target),
        replyTo -> new ReplicationMessage.DeleteSnapshots(persistenceId, criteria, replyTo),
        settings.ackTimeout(), typed.scheduler()));
  }

  private CompletionStage<Void> toAllTargets(
      java.util.function.Function<Address, CompletionStage<ReplicateReply>> send) {
    List<CompletableFuture<Void>> acks = new ArrayList<>();
    for (Address target : replicaTargets()) {
      acks.add(send.apply(target).handle((answer, failure) -> {
        check(target, answer, failure);
        return (Void) null;
      }).toCompletableFuture());
    }
    return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new));
  }

  /** Deletes up to {@code toSequenceNr} on every replica target. */
  public CompletionStage<Void> replicateDelete(String persistenceId, long toSequenceNr) {
    return toAllTargets(target -> AskPattern.ask(endpoint(target),
        replyTo -> new ReplicationMessage.DeleteTo(persistenceId, toSequenceNr, replyTo),
        settings.ackTimeout(), typed.scheduler()));
  }

  private static void check(Address target, ReplicateReply answer, Throwable failure) {
    if (failure != null) {
      throw new ReplicationException("replica " + target + " did not confirm the write: "
          + failure.getMessage() + ". The write is not acknowledged; it succeeds again once the"
          + " replica answers or the cluster removes it", failure);
    }
    if (answer instanceof ReplicationMessage.Fenced fenced) {
      throw new FencedException(fenced.persistenceId(), fenced.sentEpoch(),
          fenced.currentEpoch(), fenced.replica());
    }
    if (answer instanceof ReplicationMessage.ReplicaFailed failed) {
      throw new ReplicationException("replica " + failed.replica() + " could not store the write: "
          + failed.reason());
    }
  }

  // ----------------------------------------------------------------------------- ownership

  /**
   * Makes this node the owner of {@code persistenceId}: raises its epoch on its replica set
   * strictly above what any node holds, and copies to the local store any events another node
   * has that this node lacks. Completes with the new epoch, under which this node then writes.
   *
   * <p>It asks every reachable member, not only its replica set: an entity that a rebalance moves
   * here from a node outside this node's replica set (with four nodes or more) has its events on
   * that node and its successors only (ring A B C D, factor 2: written on {A, B}, moved to C,
   * whose set is {C, D}; asking only {C, D} replayed nothing and the bank lost money). So the new
   * owner tops its copy up from whichever member holds the most, before its first replay, and
   * raises the epoch on every member that holds anything of the entity too: the previous owner's
   * own store then refuses a stale write (decisions 0012 and 0013). The replica set must answer;
   * a member of it that leaves the ring while asked makes the whole step start again on the ring
   * as it is now. A member outside it is asked best effort: left out as soon as it is no longer a
   * reachable member, or after the ack timeout; under the one-failure assumption the previous
   * owner or its successor answers.
   */
  public CompletionStage<Long> acquire(String persistenceId) {
    return acquire(persistenceId, 1);
  }

  private CompletionStage<Long> acquire(String persistenceId, int attempt) {
    return acquireOnce(persistenceId, attempt).exceptionallyCompose(failure -> {
      // A node of the replica set left the ring while it was asked (killed just before this
      // node saw it downed): ask the replica set of the ring as it is now, rather than wait for
      // the dead node until the ack timeout fails the recovery.
      if (leftRing(failure) && attempt < ACQUIRE_ATTEMPTS) {
        return acquire(persistenceId, attempt + 1);
      }
      return CompletableFuture.failedFuture(failure);
    });
  }

  private static boolean leftRing(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof ReplicaLeftRing) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code ask}, failed with {@link ReplicaLeftRing} as soon as {@code node} leaves the ring
   * (see {@link #replicaLeft}) if it has not answered by then.
   */
  private <T> CompletableFuture<T> untilLeft(Address node, CompletionStage<T> ask) {
    CompletableFuture<T> result = new CompletableFuture<>();
    java.util.Set<CompletableFuture<?>> waiting =
        askedNodes.computeIfAbsent(node, n -> ConcurrentHashMap.newKeySet());
    waiting.add(result);
    ask.whenComplete((value, failure) -> {
      waiting.remove(result);
      if (failure != null) {
        result.completeExceptionally(failure);
      } else {
        result.complete(value);
      }
    });
    if (left.contains(node)) {
      result.completeExceptionally(new ReplicaLeftRing(node + " left the ring"));
    }
    return result;
  }

  private CompletionStage<Long> acquireOnce(String persistenceId, int attempt) {
    if (selfLeft) {
      return CompletableFuture.failedFuture(downed());
    }
    List<Address> set = liveRing().replicaSet(ringView.self(), settings.factor());
    List<Address> others = new ArrayList<>(ringView.reachableMembers());
    others.removeAll(set);
    others.removeAll(left);
    return queryAll(set, persistenceId)
        .thenCombine(queryEach(others, persistenceId), (own, elsewhere) -> {
          List<EpochState> all = new ArrayList<>(own);
          all.addAll(elsewhere);
          return all;
        })
        .thenCompose(states -> {
          long next = 1;
          List<Address> holders = new ArrayList<>();
          for (EpochState state : states) {
            next = Math.max(next, state.epoch() + 1);
            Address node = org.apache.pekko.actor.AddressFromURIString.parse(state.replica());
            if (!set.contains(node) && (state.epoch() > 0 || state.contiguousSequenceNr() > 0
                || state.latestSnapshotSequenceNr() > 0)) {
              holders.add(node); // a former owner or replica outside the replica set: fence it too
            }
          }
          long epoch = next;
          return raiseAll(set, persistenceId, epoch)
              .thenCombine(raiseEach(holders, persistenceId, epoch), (own, elsewhere) -> {
                List<EpochState> all = new ArrayList<>(own);
                all.addAll(elsewhere);
                return all;
              })
              .thenCompose(previous -> {
                boolean won = previous.stream().allMatch(p -> p.epoch() < epoch);
                if (!won) {
                  if (attempt >= ACQUIRE_ATTEMPTS) {
                    throw new ReplicationException("could not take ownership of "
                        + persistenceId + ": another node raised its epoch concurrently "
                        + attempt + " times");
                  }
                  return acquire(persistenceId, attempt + 1);
                }
                return topUp(persistenceId, states, epoch).thenApply(done -> epoch);
              });
        });
  }

  /**
   * Asks each of {@code nodes} (members outside the replica set) what it holds of the entity; a
   * node that does not answer within the ack timeout is left out (it may have just died before
   * the cluster noticed): under the one-failure assumption the entity's previous owner or its
   * successor answers.
   */
  private CompletionStage<List<EpochState>> queryEach(List<Address> nodes, String persistenceId) {
    return each(nodes, node -> AskPattern.<ReplicationMessage, EpochState>ask(endpoint(node),
        replyTo -> new ReplicationMessage.QueryEpoch(persistenceId, replyTo),
        settings.ackTimeout(), typed.scheduler()), "asking", persistenceId);
  }

  /** Raises the epoch on each of {@code nodes} (holders outside the replica set), best effort. */
  private CompletionStage<List<EpochState>> raiseEach(
      List<Address> nodes, String persistenceId, long epoch) {
    return each(nodes, node -> AskPattern.<ReplicationMessage, EpochState>ask(endpoint(node),
        replyTo -> new ReplicationMessage.RaiseEpoch(persistenceId, epoch, self, replyTo),
        settings.ackTimeout(), typed.scheduler()), "fencing", persistenceId);
  }

  private CompletionStage<List<EpochState>> each(List<Address> nodes,
      java.util.function.Function<Address, CompletionStage<EpochState>> ask, String what,
      String persistenceId) {
    List<CompletableFuture<EpochState>> replies = new ArrayList<>();
    for (Address node : nodes) {
      CompletableFuture<EpochState> reply = new CompletableFuture<>();
      ask.apply(node).whenComplete((state, failure) -> {
        if (failure != null && !reply.isDone()) {
          LOG.info("taking ownership of {}: {} {} failed ({}); going on without it",
              persistenceId, what, node, failure.toString());
        }
        reply.complete(failure == null ? state : null);
      });
      stopWaitingIfGone(node, reply, what, persistenceId);
      replies.add(reply);
    }
    return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).thenApply(done -> {
      List<EpochState> answered = new ArrayList<>();
      for (CompletableFuture<EpochState> reply : replies) {
        if (reply.join() != null) {
          answered.add(reply.join());
        }
      }
      return answered;
    });
  }

  /**
   * Completes {@code reply} with nothing as soon as {@code node} is no longer a reachable Up member
   * (a node killed a moment before it was asked is downed within about one probe interval): a
   * recovery then waits for the cluster's detection, not for the whole ack timeout.
   */
  private void stopWaitingIfGone(Address node, CompletableFuture<EpochState> reply, String what,
      String persistenceId) {
    if (reply.isDone()) {
      return;
    }
    if (!ringView.reachableMembers().contains(node)) {
      if (reply.complete(null)) {
        LOG.info("taking ownership of {}: {} {} is gone or unreachable; going on without it",
            persistenceId, what, node);
      }
      return;
    }
    typed.scheduler().scheduleOnce(MEMBERSHIP_POLL,
        () -> stopWaitingIfGone(node, reply, what, persistenceId), typed.executionContext());
  }

  private CompletionStage<List<EpochState>> queryAll(List<Address> set, String persistenceId) {
    List<CompletableFuture<EpochState>> replies = new ArrayList<>();
    for (Address node : set) {
      replies.add(untilLeft(node, AskPattern.<ReplicationMessage, EpochState>ask(endpoint(node),
              replyTo -> new ReplicationMessage.QueryEpoch(persistenceId, replyTo),
              settings.ackTimeout(), typed.scheduler())));
    }
    return allOf(replies, "asking the replica set " + set + " about " + persistenceId);
  }

  /** Raises the epoch everywhere; completes with the epochs each held before. */
  private CompletionStage<List<EpochState>> raiseAll(
      List<Address> set, String persistenceId, long epoch) {
    List<CompletableFuture<EpochState>> replies = new ArrayList<>();
    for (Address node : set) {
      replies.add(untilLeft(node, AskPattern.<ReplicationMessage, EpochState>ask(endpoint(node),
              replyTo -> new ReplicationMessage.RaiseEpoch(persistenceId, epoch, self, replyTo),
              settings.ackTimeout(), typed.scheduler())));
    }
    return allOf(replies, "raising the epoch of " + persistenceId + " on " + set);
  }

  /** Copies into the local store the events some replica holds beyond the local highest. */
  private CompletionStage<Void> topUp(String persistenceId, List<EpochState> states, long epoch) {
    long local = store.contiguousSequenceNr(persistenceId);
    EpochState best = null;
    for (EpochState state : states) {
      if (state.contiguousSequenceNr() > local
          && (best == null || state.contiguousSequenceNr() > best.contiguousSequenceNr())) {
        best = state;
      }
    }
    CompletionStage<Void> snapshot = topUpSnapshot(persistenceId, states);
    if (best == null) {
      return snapshot;
    }
    LOG.info("taking ownership of {}: copying events {}..{} from {}", persistenceId, local + 1,
        best.contiguousSequenceNr(), best.replica());
    EpochState from = best;
    return snapshot.thenCompose(done -> copyRange(from.replica(), persistenceId, local + 1,
        from.contiguousSequenceNr(), epoch));
  }

  /** Copies the newest snapshot any replica holds, when it is newer than the local one. */
  private CompletionStage<Void> topUpSnapshot(String persistenceId, List<EpochState> states) {
    long local = ReplicaEndpoint.latestSnapshot(store, persistenceId);
    EpochState best = null;
    for (EpochState state : states) {
      if (state.latestSnapshotSequenceNr() > local && (best == null
          || state.latestSnapshotSequenceNr() > best.latestSnapshotSequenceNr())) {
        best = state;
      }
    }
    if (best == null) {
      return CompletableFuture.completedFuture(null);
    }
    Address address = org.apache.pekko.actor.AddressFromURIString.parse(best.replica());
    return AskPattern.<ReplicationMessage, ReplicationMessage.SnapshotReply>ask(
            endpoint(address),
            replyTo -> new ReplicationMessage.ReadLatestSnapshot(persistenceId, replyTo),
            settings.ackTimeout(), typed.scheduler())
        .thenCompose(reply -> reply.snapshot() == null
            ? CompletableFuture.completedFuture(null)
            : store.saveSnapshot(reply.snapshot()));
  }

  /** Reads {@code [from, to]} from {@code replica} in batches and appends it locally. */
  public CompletionStage<Void> copyRange(
      String replica, String persistenceId, long from, long to, long epoch) {
    if (from > to) {
      return CompletableFuture.completedFuture(null);
    }
    Address address = org.apache.pekko.actor.AddressFromURIString.parse(replica);
    int max = settings.catchUpBatchSize();
    return AskPattern.<ReplicationMessage, RangeReply>ask(endpoint(address),
            replyTo -> new ReplicationMessage.ReadRange(persistenceId, from, to, max, replyTo),
            settings.ackTimeout(), typed.scheduler())
        .thenCompose(reply -> {
          if (reply.error() != null) {
            throw new ReplicationException("reading " + persistenceId + " " + from + ".." + to
                + " from " + replica + " failed: " + reply.error());
          }
          if (reply.events().isEmpty()) {
            return CompletableFuture.completedFuture(null);
          }
          long last = reply.events().get(reply.events().size() - 1).sequenceNr();
          return store.appendFenced(reply.events(), Map.of(persistenceId, epoch))
              .thenCompose(done -> copyRange(replica, persistenceId, last + 1, to, epoch));
        });
  }

  private static <T> CompletionStage<List<T>> allOf(
      List<CompletableFuture<T>> replies, String what) {
    return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new))
        .handle((done, failure) -> {
          if (failure != null) {
            throw new ReplicationException(what + " failed: " + failure.getMessage()
                + ". Ownership is not taken; the entity's recovery fails and is retried", failure);
          }
          List<T> results = new ArrayList<>(replies.size());
          for (CompletableFuture<T> reply : replies) {
            results.add(reply.join());
          }
          return results;
        });
  }

  // ----------------------------------------------------------------------------- endpoints

  private ActorRef<ReplicationMessage> endpoint(Address node) {
    return endpoints.computeIfAbsent(node, address -> ActorRefResolver.get(typed)
        .resolveActorRef(address + NodeServices.path(SERVICE, ReplicaEndpoint.NAME)));
  }

  /** The state of replication on this node, for operators. */
  public ReplicationStatus status() {
    List<Address> targets = replicaTargets();
    return new ReplicationStatus(self, settings.mode(), settings.factor(), ring().nodes().stream()
        .map(Address::toString).toList(), targets.stream().map(Address::toString).toList(),
        targets.size() + 1 < settings.factor(), replicationLag(),
        replicatedEvents.get(), catchUp.values().stream()
            .map(c -> new ReplicationStatus.CatchUp(c.target(), c.pidsPending(), c.pidsInPass(),
                c.eventsCopied(), c.caughtUp()))
            .toList(), repair.describe());
  }

}
