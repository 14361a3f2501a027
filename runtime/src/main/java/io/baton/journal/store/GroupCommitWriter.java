package io.baton.journal.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * The single thread that mutates the database, and the group commit that makes it fast.
 *
 * <h2>Design</h2>
 * Any thread may {@link #submit} a write request (an append, a delete, a snapshot or epoch
 * write): a {@link Staging} function that adds the request's mutations to a batch. Requests wait
 * in an unbounded FIFO queue. The writer thread takes the oldest request, then drains whatever
 * else is already waiting, up to {@code maxGroupRequests} requests or {@code maxGroupBytes} of
 * payload, stages them all into one {@link CommitGroup}, writes that batch with one call (one WAL
 * append and, with fsync on, one fsync), and only then completes every request's stage. There is
 * no timer and no artificial delay: while one group is being synced, the next one accumulates,
 * so under load the group size grows until batching, not the fsync, sets the throughput, and a
 * lone request is written at once.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Requests are applied in submission order (per submitting thread, in the order of its
 *       {@code submit} calls), each atomically: a request whose staging throws is rolled back to
 *       its save point and fails alone; the rest of its group is unaffected.
 *   <li>A stage completes successfully only after its group's batch was written (and synced).
 *       If the write fails, every request of that group fails with the cause.
 *   <li>Stages complete on the writer thread: dependent actions must not block (use the
 *       {@code *Async} variants or hand off to an executor), or they delay every later commit.
 * </ul>
 *
 * <h2>Barriers</h2>
 * A request that scans stored records (a delete of snapshots by criteria) cannot see what
 * earlier requests of its own group staged, so it is a barrier: it is never staged behind other
 * requests of an open group; the group is committed first and the barrier opens the next one.
 *
 * <h2>Lifecycle</h2>
 * {@code RUNNING → STOPPING → STOPPED}. {@link #stop()} enqueues a stop marker: everything
 * submitted before it is committed normally; a request that loses the race with {@code stop} (it
 * is queued behind the marker) is failed with "store closed" once the thread has exited.
 */
final class GroupCommitWriter {

  /** Adds one request's mutations to the group; returns what its stage completes with. */
  @FunctionalInterface
  interface Staging<T> {
    T stage(CommitGroup group) throws RocksDBException;
  }

  private static final class Request<T> {
    final Staging<T> staging;
    final int records;
    final long bytes;
    final boolean barrier;
    final CompletableFuture<T> done = new CompletableFuture<>();
    T result;

    Request(Staging<T> staging, int records, long bytes, boolean barrier) {
      this.staging = staging;
      this.records = records;
      this.bytes = bytes;
      this.barrier = barrier;
    }

    void stage(CommitGroup group) throws RocksDBException {
      result = staging.stage(group);
    }

    void complete() {
      done.complete(result);
    }
  }

  private static final Request<Void> STOP = new Request<>(group -> null, 0, 0, false);

  private final RocksDB db;
  private final WriteOptions writeOptions;
  private final JournalStoreSettings settings;
  private final Supplier<CommitGroup> newGroup;
  private final Path directory;
  private final LinkedBlockingQueue<Request<?>> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean stopping;

  // Written by the writer thread only, read by any.
  private volatile long groups;
  private volatile long requests;
  private volatile long records;

  GroupCommitWriter(RocksDB db, WriteOptions writeOptions, JournalStoreSettings settings,
      Path directory, Supplier<CommitGroup> newGroup) {
    this.db = db;
    this.writeOptions = writeOptions;
    this.settings = settings;
    this.directory = directory;
    this.newGroup = newGroup;
    this.thread = new Thread(this::run, "baton-journal-writer[" + directory + "]");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  <T> CompletableFuture<T> submit(Staging<T> staging, int records, long bytes, boolean barrier) {
    Request<T> request = new Request<>(staging, records, bytes, barrier);
    if (stopping) {
      request.done.completeExceptionally(closed());
    } else {
      queue.add(request);
    }
    return request.done;
  }

  CommitStats stats() {
    return new CommitStats(groups, requests, records);
  }

  /** Commits everything submitted so far, then stops the thread; waits for it. */
  void stop() {
    if (Thread.currentThread() == thread) {
      throw new IllegalStateException("the journal store in " + directory + " cannot be closed"
          + " from its own writer thread (a stage completion): it would wait for itself. Close"
          + " it from another thread, or use the stage's *Async variants.");
    }
    stopping = true;
    queue.add(STOP);
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true; // finish closing: the database must not be closed under the writer
      }
    }
    for (Request<?> late; (late = queue.poll()) != null; ) {
      late.done.completeExceptionally(closed());
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private JournalStoreException closed() {
    return new JournalStoreException("the journal store in " + directory
        + " is closed: the write was not made. Open the store again to write.");
  }

  private void run() {
    List<Request<?>> group = new ArrayList<>();
    Request<?> next = null;
    while (true) {
      try {
        if (next == null) {
          next = queue.take();
        }
        if (next == STOP) {
          return;
        }
        group.add(next);
        next = fill(group, next.bytes);
        commit(group);
      } catch (InterruptedException e) {
        // Nobody interrupts this thread on purpose; keep serving until STOP arrives.
      } finally {
        group.clear();
      }
    }
  }

  /**
   * Drains waiting requests into the group within the limits; returns a request taken from the
   * queue that must open the next group (a barrier or STOP), or null.
   */
  private Request<?> fill(List<Request<?>> group, long bytes) {
    while (group.size() < settings.maxGroupRequests() && bytes < settings.maxGroupBytes()) {
      Request<?> candidate = queue.peek();
      if (candidate == null) {
        return null;
      }
      if (candidate == STOP || candidate.barrier
          || bytes + candidate.bytes > settings.maxGroupBytes()) {
        return candidate == STOP || candidate.barrier ? queue.poll() : null;
      }
      queue.poll();
      group.add(candidate);
      bytes += candidate.bytes;
    }
    return null;
  }

  private void commit(List<Request<?>> group) {
    List<Request<?>> staged = new ArrayList<>(group.size());
    try (CommitGroup batch = newGroup.get()) {
      for (Request<?> request : group) {
        try {
          batch.begin();
          request.stage(batch);
          batch.accept();
          staged.add(request);
        } catch (RuntimeException | RocksDBException e) {
          request.done.completeExceptionally(e);
          batch.reject();
        }
      }
      if (staged.isEmpty()) {
        return;
      }
      db.write(writeOptions, batch.batch);
    } catch (Throwable e) { // fail the group rather than strand its callers; the thread goes on
      JournalStoreException failure = new JournalStoreException("writing a group of "
          + group.size() + " requests to the journal store in " + directory + " failed: "
          + e + ". None of them was stored; the store may refuse writes until the cause"
          + " (disk full, I/O error) is fixed and it is reopened.", e);
      for (Request<?> request : group) {
        request.done.completeExceptionally(failure); // no-op for those already failed alone
      }
      return;
    }
    long recordCount = 0;
    for (Request<?> request : staged) {
      recordCount += request.records;
    }
    groups = groups + 1;
    requests = requests + staged.size();
    records = records + recordCount;
    for (Request<?> request : staged) {
      request.complete();
    }
  }
}
