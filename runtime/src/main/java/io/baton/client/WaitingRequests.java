package io.baton.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The requests a node's client entry point has sent to entities and not had answered yet, so that
 * an operator sees a stall as it happens: per entity type, how many have waited longer than a
 * threshold, the oldest wait, and the shards they wait for (a shard with waiting requests and no
 * home is <em>homeless</em>: its messages are buffered by Cluster Sharding until the coordinator
 * gives it one).
 *
 * <p>Thread-safe: {@link #begin} and {@link #end} are called by the HTTP server's threads, {@link
 * #snapshot} by the operator endpoint; the table is a concurrent map from a sequence number to the
 * request's type, shard and start ({@link LongSupplier} of monotonic nanoseconds, injected).
 */
public final class WaitingRequests {

  /** The requests of one entity type waiting longer than the threshold. */
  public record Waiting(int requests, long oldestMillis, List<String> shards) {}

  private record Entry(String type, String shard, long startNanos) {}

  private final Map<Long, Entry> inFlight = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  private final LongSupplier nanoTime;
  private final int numberOfShards;

  /**
   * @param numberOfShards the shards per type (Cluster Sharding's default extractor hashes ids to
   *     them); at least 1
   * @param nanoTime a monotonic clock in nanoseconds
   */
  public WaitingRequests(int numberOfShards, LongSupplier nanoTime) {
    if (numberOfShards < 1) {
      throw new IllegalArgumentException("numberOfShards must be at least 1, was " + numberOfShards);
    }
    this.numberOfShards = numberOfShards;
    this.nanoTime = nanoTime;
  }

  /** Records that a request to entity {@code entityId} of {@code type} was sent; returns its token. */
  public long begin(String type, String entityId) {
    long token = sequence.incrementAndGet();
    inFlight.put(token, new Entry(type, shardOf(entityId), nanoTime.getAsLong()));
    return token;
  }

  /** Records that the request of {@code token} was answered (or gave up). */
  public void end(long token) {
    inFlight.remove(token);
  }

  /** The shard Cluster Sharding's default extractor puts {@code entityId} in. */
  public String shardOf(String entityId) {
    return Integer.toString(Math.abs(entityId.hashCode() % numberOfShards));
  }

  /** Per entity type, the requests waiting longer than {@code threshold}; types without none. */
  public Map<String, Waiting> snapshot(Duration threshold) {
    long now = nanoTime.getAsLong();
    Map<String, int[]> counts = new TreeMap<>();
    Map<String, long[]> oldest = new TreeMap<>();
    Map<String, TreeSet<String>> shards = new TreeMap<>();
    for (Entry entry : inFlight.values()) {
      long waited = now - entry.startNanos();
      if (waited < threshold.toNanos()) {
        continue;
      }
      counts.computeIfAbsent(entry.type(), t -> new int[1])[0]++;
      long[] max = oldest.computeIfAbsent(entry.type(), t -> new long[1]);
      max[0] = Math.max(max[0], waited);
      shards.computeIfAbsent(entry.type(), t -> new TreeSet<>()).add(entry.shard());
    }
    Map<String, Waiting> result = new TreeMap<>();
    counts.forEach((type, count) -> result.put(type, new Waiting(count[0],
        Duration.ofNanos(oldest.get(type)[0]).toMillis(), new ArrayList<>(shards.get(type)))));
    return result;
  }
}
