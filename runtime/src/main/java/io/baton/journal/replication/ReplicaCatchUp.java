package io.baton.journal.replication;

import io.baton.journal.store.EventRecord;
import io.baton.journal.store.JournalStore;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings this node's replicas up to date in the background: whenever the ring changes (a
 * successor died, joined or came back), and on a slow tick until every replica target holds
 * every event of every entity this node owns.
 *
 * <h2>How</h2>
 * One job per replica target, one entity at a time: ask the target its highest sequence number
 * for a batch of owned persistence ids, then send each missing range in batches of {@code
 * catch-up-batch-size} through the ordinary {@link ReplicationMessage.Replicate} path (fenced by
 * the current epoch), each batch waiting for its acknowledgement. The owner's live writes go on
 * meanwhile: they are separate messages and the replica stores by key, so order does not matter.
 *
 * <h2>Resumable</h2>
 * A job keeps no state that matters across failures: each pass starts from what the target says
 * it holds, so an interrupted catch-up (the target crashed, this node restarted) resumes where the
 * target's data ends. Progress per target is published in {@link #progress}.
 */
final class ReplicaCatchUp {

  private static final Logger LOG = LoggerFactory.getLogger(ReplicaCatchUp.class);
  private static final Duration TICK = Duration.ofSeconds(2);
  private static final int QUERY_CHUNK = 256;

  /**
   * Progress of the catch-up of one target, for the status: {@code pidsPending} of the {@code
   * pidsInPass} entities the current (or last) pass found behind are still to copy.
   */
  record Progress(String target, int pidsPending, int pidsInPass, long eventsCopied,
      boolean caughtUp) {}

  interface Command {}

  private record RingChanged() implements Command {}

  private record Tick() implements Command {}

  private record PidDone(Address target, long events) implements Command {}

  private record PidFailed(Address target, Throwable cause) implements Command {}

  private record Planned(Address target, List<String> pids) implements Command {}

  private final ActorContext<Command> context;
  private final JournalReplication replication;
  private final JournalStore store;
  private final Map<String, Progress> progress;
  private final Map<Address, ArrayDeque<String>> pending = new HashMap<>();
  private final Map<Address, Integer> inPass = new HashMap<>();
  private final Map<Address, Long> copied = new HashMap<>();
  private final Map<Address, Boolean> running = new HashMap<>();
  /** Targets whose last pass found nothing missing: re-checked on the next ring change only. */
  private final java.util.Set<Address> caughtUp = new java.util.HashSet<>();

  private ReplicaCatchUp(ActorContext<Command> context, JournalReplication replication,
      Map<String, Progress> progress) {
    this.context = context;
    this.replication = replication;
    this.store = replication.store();
    this.progress = progress;
  }

  /** The catch-up actor; {@code progress} is updated for readers on other threads. */
  static Behavior<Command> create(JournalReplication replication,
      ConcurrentHashMap<String, Progress> progress, boolean clustered) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      if (clustered) {
        ActorRef<ClusterEvent.MemberEvent> adapter =
            context.messageAdapter(ClusterEvent.MemberEvent.class, event -> new RingChanged());
        Cluster.get(context.getSystem()).subscriptions()
            .tell(Subscribe.create(adapter, ClusterEvent.MemberEvent.class));
      }
      timers.startTimerWithFixedDelay(new Tick(), TICK);
      return new ReplicaCatchUp(context, replication, progress).behavior(timers);
    }));
  }

  private Behavior<Command> behavior(TimerScheduler<Command> timers) {
    return Behaviors.receive(Command.class)
        .onMessage(RingChanged.class, m -> {
          caughtUp.clear();
          return planAll();
        })
        .onMessage(Tick.class, m -> planAll())
        .onMessage(Planned.class, this::onPlanned)
        .onMessage(PidDone.class, this::onPidDone)
        .onMessage(PidFailed.class, this::onPidFailed)
        .build();
  }

  /** For every target without a running job, find the owned entities it lacks. */
  private Behavior<Command> planAll() {
    List<Address> targets = replication.replicaTargets();
    progress.keySet().retainAll(targets.stream().map(Address::toString).toList());
    for (Address target : targets) {
      if (!running.getOrDefault(target, false) && !caughtUp.contains(target)) {
        running.put(target, true);
        List<String> owned = store.ownedPersistenceIds();
        context.pipeToSelf(missing(target, owned), (pids, failure) -> failure == null
            ? new Planned(target, pids) : new PidFailed(target, failure));
      }
    }
    return Behaviors.same();
  }

  /** The owned entities of which the target holds fewer events than this node. */
  private CompletionStage<List<String>> missing(Address target, List<String> owned) {
    CompletionStage<List<String>> result =
        java.util.concurrent.CompletableFuture.completedFuture(new java.util.ArrayList<>());
    for (int i = 0; i < owned.size(); i += QUERY_CHUNK) {
      List<String> chunk = owned.subList(i, Math.min(owned.size(), i + QUERY_CHUNK));
      result = result.thenCompose(acc -> replication.queryHighest(target, chunk)
          .thenApply(highest -> {
            for (String pid : chunk) {
              if (store.highestSequenceNr(pid) > highest.getOrDefault(pid, 0L)) {
                acc.add(pid);
              }
            }
            return acc;
          }));
    }
    return result;
  }

  private Behavior<Command> onPlanned(Planned planned) {
    ArrayDeque<String> queue = new ArrayDeque<>(planned.pids());
    pending.put(planned.target(), queue);
    inPass.put(planned.target(), queue.size());
    if (!queue.isEmpty()) {
      LOG.info("catching up replica {}: {} entities behind", planned.target(), queue.size());
    }
    return next(planned.target());
  }

  private Behavior<Command> next(Address target) {
    ArrayDeque<String> queue = pending.get(target);
    long done = copied.getOrDefault(target, 0L);
    if (queue == null || queue.isEmpty()) {
      running.put(target, false);
      caughtUp.add(target);
      progress.put(target.toString(),
          new Progress(target.toString(), 0, inPass.getOrDefault(target, 0), done, true));
      return Behaviors.same();
    }
    progress.put(target.toString(), new Progress(target.toString(), queue.size(),
        inPass.getOrDefault(target, queue.size()), done, false));
    String pid = queue.peekFirst();
    context.pipeToSelf(copyEntity(target, pid), (events, failure) -> failure == null
        ? new PidDone(target, events) : new PidFailed(target, failure));
    return Behaviors.same();
  }

  /** Sends the events of {@code pid} the target lacks, batch by batch; completes with the count. */
  private CompletionStage<Long> copyEntity(Address target, String pid) {
    return replication.queryHighest(target, List.of(pid)).thenCompose(highest -> {
      long from = highest.getOrDefault(pid, 0L) + 1;
      return sendSnapshot(target, pid).thenCompose(done -> sendFrom(target, pid, from, 0L));
    });
  }

  /** Sends the latest snapshot too: events it covers may have been deleted here. */
  private CompletionStage<Void> sendSnapshot(Address target, String pid) {
    var latest = store.loadSnapshot(pid, io.baton.journal.store.SnapshotCriteria.latest());
    return latest.isEmpty()
        ? java.util.concurrent.CompletableFuture.completedFuture(null)
        : replication.replicateSnapshotTo(target, latest.get());
  }

  private CompletionStage<Long> sendFrom(Address target, String pid, long from, long sent) {
    long to = store.highestSequenceNr(pid);
    if (from > to) {
      return java.util.concurrent.CompletableFuture.completedFuture(sent);
    }
    List<EventRecord> batch = ReplicaLink.fitting(
        store.read(pid, from, to, replication.settings().catchUpBatchSize()),
        replication.maxMessageBytes());
    if (batch.isEmpty()) {
      return java.util.concurrent.CompletableFuture.completedFuture(sent);
    }
    long last = batch.get(batch.size() - 1).sequenceNr();
    return replication.replicateTo(target, batch, Map.of(pid, store.epoch(pid)))
        .thenCompose(done -> sendFrom(target, pid, last + 1, sent + batch.size()));
  }

  private Behavior<Command> onPidDone(PidDone done) {
    ArrayDeque<String> queue = pending.get(done.target());
    if (queue != null) {
      queue.pollFirst();
    }
    copied.merge(done.target(), done.events(), Long::sum);
    return next(done.target());
  }

  private Behavior<Command> onPidFailed(PidFailed failed) {
    Throwable cause = failed.cause() instanceof java.util.concurrent.CompletionException
        && failed.cause().getCause() != null ? failed.cause().getCause() : failed.cause();
    if (cause instanceof FencedException fenced) {
      // Another node took the entity over: this node no longer owns it, so it stops pushing it.
      LOG.info("{} is owned elsewhere now (epoch {}); no longer catching replicas up for it",
          fenced.persistenceId(), fenced.currentEpoch());
      store.swapEpochIfHigher(fenced.persistenceId(), fenced.currentEpoch(), false);
      ArrayDeque<String> queue = pending.get(failed.target());
      if (queue != null) {
        queue.remove(fenced.persistenceId());
      }
      return next(failed.target());
    }
    // Left for the next tick or ring change: a pass starts again from what the target holds.
    LOG.debug("catch-up of {} interrupted: {}", failed.target(), failed.cause().toString());
    running.put(failed.target(), false);
    pending.remove(failed.target());
    return Behaviors.same();
  }

}
