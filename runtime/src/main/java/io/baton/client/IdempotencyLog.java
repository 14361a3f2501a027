package io.baton.client;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.baton.serialization.ClusterSerializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The requests an entity has applied, with the results their callers got: an immutable value the
 * entity keeps in its own state, next to its own model.
 *
 * <p><b>Lifecycle.</b> The entity starts from {@link #create(Retention)} in its empty state. Its
 * event handler calls {@link #record(AppliedRequest)} for every event that applied a request and
 * stores the returned log in the new state. Nothing else changes it; so the log is a pure function
 * of the events, rebuilt identically by recovery on any node, and stored with the state in
 * snapshots (it is a Jackson value).
 *
 * <p><b>Retention.</b> {@link #record} drops the oldest records beyond the {@link Retention}
 * bounds. The log remembers the newest {@code appliedAtMillis} it dropped, its {@link
 * #horizonMillis() horizon}: a request not in the log but issued at or before the horizon may have
 * been applied and forgotten, and {@link IdempotentCommands} refuses it rather than apply it twice.
 * A request issued after the horizon and absent from the log was never applied (up to clock skew
 * between the client and the entity's nodes).
 *
 * <p><b>Cost.</b> {@code record} copies the log (immutability keeps snapshots, which Pekko
 * serializes asynchronously, consistent): time and memory are linear in {@code maxEntries}.
 *
 * @param <R> the result type of the entity's requests
 */
public final class IdempotencyLog<R> implements ClusterSerializable {

  /** The horizon of a log that never dropped a record. */
  public static final long NO_HORIZON = Long.MIN_VALUE;

  private final Retention retention;
  private final List<AppliedRequest<R>> entries; // oldest first, immutable
  private final long horizonMillis;
  private final long dropped;
  private final Map<String, AppliedRequest<R>> byId; // derived from entries, not serialized

  @JsonCreator
  private IdempotencyLog(
      @JsonProperty("retention") Retention retention,
      @JsonProperty("entries") List<AppliedRequest<R>> entries,
      @JsonProperty("horizonMillis") long horizonMillis,
      @JsonProperty("dropped") long dropped) {
    this.retention = Objects.requireNonNull(retention, "retention");
    this.entries = List.copyOf(entries == null ? List.of() : entries);
    this.horizonMillis = horizonMillis;
    this.dropped = dropped;
    Map<String, AppliedRequest<R>> index = new HashMap<>(this.entries.size() * 2);
    for (AppliedRequest<R> entry : this.entries) {
      index.put(entry.requestId(), entry);
    }
    this.byId = index;
  }

  /** An empty log with the given retention. */
  public static <R> IdempotencyLog<R> create(Retention retention) {
    return new IdempotencyLog<>(retention, List.of(), NO_HORIZON, 0);
  }

  /** The record of {@code requestId}, if the log holds it. */
  public Optional<AppliedRequest<R>> lookup(String requestId) {
    return Optional.ofNullable(byId.get(requestId));
  }

  /**
   * A log with {@code applied} added and the records beyond the retention dropped. Recording an
   * id the log already holds keeps the first record (the result the first caller got).
   */
  public IdempotencyLog<R> record(AppliedRequest<R> applied) {
    Objects.requireNonNull(applied, "applied");
    if (byId.containsKey(applied.requestId())) {
      return this;
    }
    List<AppliedRequest<R>> next = new ArrayList<>(entries.size() + 1);
    next.addAll(entries);
    next.add(applied);
    long newest = applied.appliedAtMillis();
    for (AppliedRequest<R> entry : entries) {
      newest = Math.max(newest, entry.appliedAtMillis());
    }
    long oldestKept = newest - retention.maxAgeMillis();
    int drop = 0;
    long horizon = horizonMillis;
    while (drop < next.size()
        && (next.size() - drop > retention.maxEntries()
            || next.get(drop).appliedAtMillis() < oldestKept)) {
      horizon = Math.max(horizon, next.get(drop).appliedAtMillis());
      drop++;
    }
    return new IdempotencyLog<>(retention, next.subList(drop, next.size()), horizon,
        dropped + drop);
  }

  /**
   * Whether a request absent from the log may nevertheless have been applied: it was issued at or
   * before the horizon, so its record may be among those retention dropped.
   */
  public boolean mayHaveForgotten(Request<?> request) {
    return lookup(request.requestId()).isEmpty() && request.issuedAtMillis() <= horizonMillis;
  }

  /** The retention bounds. */
  @JsonProperty("retention")
  public Retention retention() {
    return retention;
  }

  /** The records held, oldest first. */
  @JsonProperty("entries")
  public List<AppliedRequest<R>> entries() {
    return entries;
  }

  /** The newest {@code appliedAtMillis} retention dropped, or {@link #NO_HORIZON}. */
  @JsonProperty("horizonMillis")
  public long horizonMillis() {
    return horizonMillis;
  }

  /** How many records retention has dropped since the log was created. */
  @JsonProperty("dropped")
  public long dropped() {
    return dropped;
  }

  /** The number of records held. */
  @JsonIgnore
  public int size() {
    return entries.size();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IdempotencyLog<?> other
        && retention.equals(other.retention)
        && entries.equals(other.entries)
        && horizonMillis == other.horizonMillis
        && dropped == other.dropped;
  }

  @Override
  public int hashCode() {
    return Objects.hash(retention, entries, horizonMillis, dropped);
  }

  @Override
  public String toString() {
    return "IdempotencyLog[" + entries.size() + " of " + retention.maxEntries() + " records, "
        + "horizon=" + horizonMillis + ", dropped=" + dropped + "]";
  }
}
