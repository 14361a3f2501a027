package io.baton.samples.bank.cluster;

import io.baton.load.Attempt;
import io.baton.load.RequestOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the open-loop load's outcomes as they come ({@link #record}) for what the demo's summary
 * says about stalls: the takeover after the kill, per entity, and the slowest request of each
 * phase with its attempts.
 *
 * <h2>Takeover</h2>
 * A request <em>stalled</em> when one of its attempts timed out or was answered with a 5xx (the
 * entity did not answer: its shard was moving or homeless), as opposed to a refused connection to
 * the dead node's own entry point, which the client skips at once. Over the entities (accounts
 * and transfers) whose requests stalled and ended after the kill, intended before the restart, the
 * takeover time of an entity is from the kill to the end of its first such request that succeeded;
 * the takeover is the longest of them. Requests that stall while the killed node rejoins belong to
 * the {@code rejoin} phase and are not counted here.
 *
 * <p>Times are {@link System#nanoTime()}; the outcomes' times count from the load's start, given
 * to {@link #loadStarted}. Threads: {@link #record} on the HTTP client's threads (concurrent maps,
 * one lock for the slowest requests); the setters and readers on the demo's thread.
 */
final class StallWatch {

  /** One entity's takeover: when it answered again, and the request that did. */
  record Recovery(String entity, long afterKillNanos, String trace) {}

  private final Map<String, Recovery> recovered = new ConcurrentHashMap<>();
  private final Map<String, RequestOutcome> slowest = new ConcurrentHashMap<>();
  private volatile long loadStartNanos;
  private volatile long killNanos;
  private volatile long restartNanos;

  void loadStarted(long nanos) {
    loadStartNanos = nanos;
  }

  void killed(long nanos) {
    killNanos = nanos;
  }

  void restarted(long nanos) {
    restartNanos = nanos;
  }

  /** Takes one outcome of the load into account. */
  void record(RequestOutcome outcome) {
    slowest.merge(outcome.phase(), outcome,
        (a, b) -> a.latencyNanos() >= b.latencyNanos() ? a : b);
    long kill = killNanos;
    if (kill == 0 || !outcome.outcome().acknowledged()) {
      return;
    }
    long start = loadStartNanos;
    long end = start + outcome.endNanos();
    long intended = start + outcome.intendedNanos();
    long restart = restartNanos;
    if (end <= kill || (restart != 0 && intended >= restart)
        || outcome.attempts().stream().noneMatch(StallWatch::stalled)) {
      return;
    }
    String entity = outcome.request().type() + "/" + outcome.request().id();
    recovered.merge(entity, new Recovery(entity, end - kill, trace(outcome, intended - kill, "after the kill")),
        (a, b) -> a.afterKillNanos() <= b.afterKillNanos() ? a : b);
  }

  /** The entities that stalled after the kill and answered again, by takeover time. */
  List<Recovery> recoveries() {
    List<Recovery> all = new ArrayList<>(recovered.values());
    all.sort(java.util.Comparator.comparingLong(Recovery::afterKillNanos));
    return all;
  }

  /** The slowest request of {@code phase}, with its attempts, or "" if the phase had none. */
  String slowest(String phase) {
    RequestOutcome outcome = slowest.get(phase);
    return outcome == null ? "" : trace(outcome, outcome.intendedNanos(), "of the load");
  }

  /** Whether the attempt got no answer from the entity (as opposed to no connection). */
  static boolean stalled(Attempt attempt) {
    return attempt.result().equals("timeout") || attempt.result().startsWith("5");
  }

  /** One request's attempts: where the time of a slow request went. */
  static String trace(RequestOutcome outcome, long intendedNanos, String reference) {
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
        "%s/%s %s, intended at %+.2f s %s, %s after %.2f s:", outcome.request().type(),
        outcome.request().id(), operation(outcome.request().body()), intendedNanos / 1e9,
        reference, outcome.outcome(), outcome.latencyNanos() / 1e9));
    for (Attempt attempt : outcome.attempts()) {
      line.append(String.format(Locale.ROOT, " #%d %s at %.2f s %s after %.2f s;",
          attempt.number(), attempt.target().replaceFirst("^https?://", ""),
          attempt.atMillis() / 1000, attempt.result(), attempt.durationMillis() / 1000));
    }
    return line.toString();
  }

  /** The {@code op} of a bank request's JSON body, for people. */
  private static String operation(String body) {
    int at = body.indexOf("\"op\":\"");
    if (at < 0) {
      return "request";
    }
    int from = at + 6;
    int to = body.indexOf('"', from);
    return to < 0 ? "request" : body.substring(from, to);
  }
}
