package io.baton.load;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The counters and latency histograms of one run, fed by the scheduler ({@link #offered}) and the
 * outcomes ({@link #completed}), read by the live line ({@link #tick}) and the summary. Every
 * method holds the one lock: at a few hundred requests a second there is nothing to gain from
 * finer locking, and a summary is then always consistent.
 *
 * <p>Histograms record microseconds, up to one hour (a longer latency is recorded as one hour),
 * with three significant digits.
 */
final class LoadStats {

  private static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);

  /** One histogram and the counts that go with it. */
  private static final class Bucket {
    final EnumMap<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
    final Histogram latency = new Histogram(HIGHEST_MICROS, 3);
    long offered;
    long retried;

    void add(RequestOutcome outcome) {
      outcomes.merge(outcome.outcome(), 1L, Long::sum);
      if (outcome.answer().retried()) {
        retried++;
      }
      latency.recordValue(Math.max(0, Math.min(HIGHEST_MICROS,
          TimeUnit.NANOSECONDS.toMicros(outcome.latencyNanos()))));
    }

    long count(Outcome outcome) {
      return outcomes.getOrDefault(outcome, 0L);
    }

    Map<Outcome, Long> allOutcomes() {
      Map<Outcome, Long> all = new EnumMap<>(Outcome.class);
      for (Outcome o : Outcome.values()) {
        all.put(o, count(o));
      }
      return all;
    }
  }

  /** The live line of one interval. */
  record Tick(long offered, long completed, long ok, long failed, long retried, long inFlight,
      double p99Millis, double maxMillis) {}

  private final Bucket total = new Bucket();
  private final Map<String, Bucket> phases = new LinkedHashMap<>();
  private final Map<String, Long> phaseStarts = new LinkedHashMap<>();
  private final TreeMap<Long, Bucket> seconds = new TreeMap<>();
  private Bucket interval = new Bucket();
  private long intervalCompleted;
  private long inFlight;
  private long lastEndNanos;

  synchronized void phaseMarked(String name, long atNanos) {
    phaseStarts.putIfAbsent(name, atNanos);
    phases.computeIfAbsent(name, n -> new Bucket());
  }

  synchronized void offered(String phase, long intendedNanos) {
    total.offered++;
    interval.offered++;
    phases.computeIfAbsent(phase, n -> new Bucket()).offered++;
    second(intendedNanos).offered++;
    inFlight++;
  }

  synchronized void completed(RequestOutcome outcome) {
    total.add(outcome);
    interval.add(outcome);
    intervalCompleted++;
    phases.computeIfAbsent(outcome.phase(), n -> new Bucket()).add(outcome);
    second(outcome.intendedNanos()).add(outcome);
    inFlight--;
    lastEndNanos = Math.max(lastEndNanos, outcome.endNanos());
  }

  synchronized long inFlight() {
    return inFlight;
  }

  /** The live figures since the previous tick; starts a new interval. */
  synchronized Tick tick() {
    Bucket b = interval;
    interval = new Bucket();
    long completed = intervalCompleted;
    intervalCompleted = 0;
    LatencyPercentiles p = LatencyPercentiles.of(b.latency);
    return new Tick(b.offered, completed, b.count(Outcome.OK) + b.count(Outcome.ALREADY_APPLIED),
        b.count(Outcome.FAILED), b.retried, inFlight, p.p99(), p.max());
  }

  synchronized LoadSummary summary(long nowNanos) {
    List<LoadSummary.PhaseSummary> phaseSummaries = new ArrayList<>();
    for (Map.Entry<String, Bucket> phase : phases.entrySet()) {
      Bucket b = phase.getValue();
      phaseSummaries.add(new LoadSummary.PhaseSummary(phase.getKey(),
          phaseStarts.getOrDefault(phase.getKey(), 0L) / 1e9, b.allOutcomes(), b.retried,
          LatencyPercentiles.of(b.latency)));
    }
    List<LoadSummary.SecondSummary> timeline = new ArrayList<>();
    if (!seconds.isEmpty()) {
      for (long s = seconds.firstKey(); s <= seconds.lastKey(); s++) {
        Bucket b = seconds.getOrDefault(s, new Bucket());
        LatencyPercentiles p = LatencyPercentiles.of(b.latency);
        timeline.add(new LoadSummary.SecondSummary(s, b.offered,
            b.count(Outcome.OK) + b.count(Outcome.ALREADY_APPLIED), b.count(Outcome.FAILED),
            b.count(Outcome.REJECTED) + b.count(Outcome.CLIENT_ERROR), b.retried, p.p99(),
            p.max()));
      }
    }
    long end = inFlight == 0 && lastEndNanos > 0 ? lastEndNanos : nowNanos;
    return new LoadSummary(Math.round(end / 1e8) / 10.0, total.offered, total.allOutcomes(),
        total.retried, LatencyPercentiles.of(total.latency), phaseSummaries, timeline);
  }

  private Bucket second(long nanos) {
    return seconds.computeIfAbsent(Math.floorDiv(nanos, 1_000_000_000L), s -> new Bucket());
  }
}
