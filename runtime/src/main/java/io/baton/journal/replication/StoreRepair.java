package io.baton.journal.replication;

import io.baton.journal.replication.ReplicationMessage.Held;
import io.baton.journal.replication.ReplicationMessage.HeldEntity;
import io.baton.journal.store.JournalStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs a store opened from a damaged write-ahead log ({@link JournalStore#damage()}) from the
 * other members, before the node serves anything (docs/decisions/0017-limits-and-integrity.md).
 *
 * <p>The damaged log kept only its intact prefix, so the store may lack any acknowledged write
 * after the corrupt record: of entities it owned (their replicas hold them, synchronous
 * replication) and of entities it held for others (their owners hold them). Which ones it cannot
 * tell, so it asks every reachable member what it holds, page by page, and copies every event a
 * member holds beyond its own contiguous copy, with the member's epoch (so fencing knowledge lost
 * with the log comes back too). Copying more than it held before is harmless: a replica's extra
 * events are the same bytes the owner acknowledged. Only when every member answered is the mark
 * cleared and the node's journal opened to recoveries and writes ({@link #done()}).
 *
 * <p>States: waiting (for this node to be Up with at least one other reachable member), repairing
 * (per member, per page), repaired; or failed (no member within the timeout, or a member failed):
 * then the node serves nothing and says why. Progress is logged and shown in the replication
 * status. Runs once per start; a crash during the repair leaves the mark and it runs again.
 */
final class StoreRepair {

  private static final Logger LOG = LoggerFactory.getLogger(StoreRepair.class);
  private static final int PAGE = 200;
  private static final Duration POLL = Duration.ofMillis(200);

  private final JournalReplication replication;
  private final JournalStore store;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final AtomicLong entitiesChecked = new AtomicLong();
  private final AtomicLong entitiesRepaired = new AtomicLong();
  private final AtomicLong eventsCopied = new AtomicLong();
  private volatile String state;

  private StoreRepair(JournalReplication replication, JournalStore store, String state) {
    this.replication = replication;
    this.store = store;
    this.state = state;
  }

  /** Nothing to repair: the journal serves at once. */
  static StoreRepair none(JournalReplication replication, JournalStore store) {
    StoreRepair repair = new StoreRepair(replication, store, "intact");
    repair.done.complete(null);
    return repair;
  }

  /** Starts repairing {@code store}, waiting for members for at most {@code timeout}. */
  static StoreRepair start(JournalReplication replication, JournalStore store, String damage,
      Duration timeout) {
    StoreRepair repair = new StoreRepair(replication, store, "waiting for members");
    LOG.warn("{}. Repairing it from the other members before this node serves any entity",
        damage);
    repair.awaitMembers(System.nanoTime() + timeout.toNanos(), timeout);
    return repair;
  }

  /** Completes when the store may be served; fails, with what to do, if it may not. */
  CompletionStage<Void> done() {
    return done;
  }

  /** For the replication status: the state and the counts so far. */
  String describe() {
    return state + " (entities checked " + entitiesChecked.get() + ", repaired "
        + entitiesRepaired.get() + ", events copied " + eventsCopied.get() + ")";
  }

  private void awaitMembers(long deadline, Duration timeout) {
    List<Address> others = replication.repairSources();
    if (!others.isEmpty()) {
      repairFrom(others, 0);
      return;
    }
    if (System.nanoTime() > deadline) {
      fail("no other member of the cluster was reachable within " + timeout + " ("
          + JournalReplication.REPAIR_TIMEOUT + "), so no intact copy could be read");
      return;
    }
    replication.schedule(POLL, () -> awaitMembers(deadline, timeout));
  }

  private void repairFrom(List<Address> members, int index) {
    if (index == members.size()) {
      store.markRepaired();
      state = "repaired";
      LOG.warn("journal store in {} repaired from {}: {}", store.directory(), members,
          describe());
      done.complete(null);
      return;
    }
    Address member = members.get(index);
    state = "repairing from " + member;
    page(member, "").whenComplete((ok, failure) -> {
      if (failure != null) {
        fail("copying from " + member + " failed: " + failure.getMessage());
      } else {
        repairFrom(members, index + 1);
      }
    });
  }

  private CompletionStage<Void> page(Address member, String after) {
    return replication.listHeld(member, after, PAGE).thenCompose(held -> {
      if (held.error() != null) {
        throw new ReplicationException(member + " could not list what it holds: "
            + held.error());
      }
      CompletionStage<Void> copied = CompletableFuture.completedFuture(null);
      for (HeldEntity entity : held.entities()) {
        copied = copied.thenCompose(ok -> repair(member, entity));
      }
      if (!held.more() || held.entities().isEmpty()) {
        return copied;
      }
      String last = held.entities().get(held.entities().size() - 1).persistenceId();
      return copied.thenCompose(ok -> page(member, last));
    });
  }

  private CompletionStage<Void> repair(Address member, HeldEntity entity) {
    String pid = entity.persistenceId();
    long checked = entitiesChecked.incrementAndGet();
    if (checked % 1000 == 0) {
      LOG.info("repairing journal store in {}: {}", store.directory(), describe());
    }
    long local = store.contiguousSequenceNr(pid);
    long epoch = Math.max(store.epoch(pid), entity.epoch());
    CompletionStage<Long> raised = epoch > 0 ? store.swapEpochIfHigher(pid, epoch, false)
        : CompletableFuture.completedFuture(0L);
    if (entity.contiguousSequenceNr() <= local) {
      return raised.thenApply(previous -> null);
    }
    entitiesRepaired.incrementAndGet();
    eventsCopied.addAndGet(entity.contiguousSequenceNr() - local);
    LOG.info("repairing {}: copying events {}..{} from {}", pid, local + 1,
        entity.contiguousSequenceNr(), member);
    return raised.thenCompose(previous -> replication.copyRange(member.toString(), pid,
        local + 1, entity.contiguousSequenceNr(), epoch));
  }

  private void fail(String why) {
    state = "failed: " + why;
    String message = "the journal store in " + store.directory() + " was opened from a damaged"
        + " write-ahead log and could not be repaired: " + why + ". This node serves no entity."
        + " Start it while the other members run, or restore the directory from a backup";
    LOG.error(message);
    done.completeExceptionally(new ReplicationException(message));
  }
}
