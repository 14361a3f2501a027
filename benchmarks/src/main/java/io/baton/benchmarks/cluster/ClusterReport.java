package io.baton.benchmarks.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Reads the JSON results that {@link ClusterBenchmark} wrote into one directory (one file per
 * target and killed node, {@code <target>-<node>.json}) and prints markdown, one section per
 * killed node: per target the median and maximum takeover time over its runs, with the ratio to
 * the {@code pekko-default} baseline of the same run and node, the failed and retried requests,
 * the fault window's failures, p99 and max latency, and the consistency check; then every run.
 *
 * <p>Usage: {@code java -cp baton-benchmarks-all.jar io.baton.benchmarks.cluster.ClusterReport
 * <results-directory>}
 */
public final class ClusterReport {

  private ClusterReport() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: ClusterReport <directory with <target>.json files>");
      System.exit(2);
    }
    // One file per target and killed node: <target>-<node>.json (or <target>.json, older runs).
    Map<String, Map<ClusterTarget, ClusterResults.Target>> byVictim = new java.util.TreeMap<>(
        java.util.Comparator.reverseOrder()); // node3 first, as the earlier results
    ObjectMapper json = new ObjectMapper();
    List<Path> files;
    try (java.util.stream.Stream<Path> list = Files.list(Path.of(args[0]))) {
      files = list.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList();
    }
    for (ClusterTarget target : ClusterTarget.values()) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (name.equals(target.id() + ".json") || name.startsWith(target.id() + "-node")) {
          ClusterResults.Target result = json.readValue(file.toFile(),
              ClusterResults.Target.class);
          byVictim.computeIfAbsent(result.parameters().victim(), v -> new LinkedHashMap<>())
              .put(target, result);
        }
      }
    }
    if (byVictim.isEmpty()) {
      System.err.println("no <target>-<node>.json in " + args[0]);
      System.exit(1);
    }
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, Map<ClusterTarget, ClusterResults.Target>> group
        : byVictim.entrySet()) {
      out.append("### kill -9 of ").append(victim(group.getKey())).append("\n\n")
          .append(render(group.getValue())).append('\n');
    }
    System.out.print(out);
  }

  static String render(Map<ClusterTarget, ClusterResults.Target> results) {
    StringBuilder out = new StringBuilder();
    ClusterResults.Target baseline = results.get(ClusterTarget.PEKKO_DEFAULT);
    out.append("| Target | Killed | Runs | Takeover median | Takeover max | Per-counter recovery,"
        + " median | Failed requests (max per run) | Fault window: failed, p99 / max (median of"
        + " runs) | Retried requests | Lost acknowledged increments | Applied without ack"
        + " | Request p50 / p99 before the kill |");
    if (baseline != null) {
      out.append(" Median / pekko-default | Max / pekko-default |");
    }
    out.append("\n|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
    if (baseline != null) {
      out.append("--:|--:|");
    }
    out.append('\n');
    for (ClusterResults.Target target : results.values()) {
      List<ClusterResults.Run> runs = target.runs();
      out.append("| ").append(target.label()).append(" | ")
          .append(victim(target.parameters().victim())).append(" | ")
          .append(runs.size()).append(" | ")
          .append(takeover(target, Stats::median)).append(" | ")
          .append(takeover(target, Stats::max)).append(" | ")
          .append(seconds(Stats.median(values(runs, ClusterResults.Run::entityMedianMillis))))
          .append(" | ").append(sum(runs, ClusterResults.Run::failed)).append(" (")
          .append(max(runs, ClusterResults.Run::failed)).append(") | ")
          .append(sum(runs, run -> window(run).failed())).append(", ")
          .append(seconds(Stats.median(values(runs, run -> window(run).p99Millis()))))
          .append(" / ")
          .append(seconds(Stats.median(values(runs, run -> window(run).maxMillis()))))
          .append(" | ")
          .append(sum(runs, ClusterResults.Run::retried)).append(" | ")
          .append(sum(runs, ClusterResults.Run::lost)).append(" | ")
          .append(sum(runs, ClusterResults.Run::appliedWithoutAck)).append(" | ")
          .append(millis(Stats.median(values(runs, ClusterResults.Run::p50Millis)))).append(" / ")
          .append(millis(Stats.median(values(runs, ClusterResults.Run::p99Millis)))).append(" |");
      if (baseline != null) {
        out.append(' ').append(ratio(target, baseline, Stats::median)).append(" | ")
            .append(ratio(target, baseline, Stats::max)).append(" |");
      }
      out.append('\n');
    }
    out.append("\nThe load is open loop (`io.baton.load`, decision 0016): increments at a fixed"
        + " arrival rate whatever the cluster does, each timed from its *intended* start, retried"
        + " with its key on the next node after a 1.5 s attempt, given up 10 s after its"
        + " intended start. *Takeover*: from `kill -9` of the node to the moment every counter"
        + " that lived on it had answered a request again from a surviving node, and every"
        + " counter of the survivors that stalled meanwhile (an attempt timed out or was"
        + " answered 5xx, or the request was given up) had answered again; median and maximum"
        + " over the runs. *Per-counter recovery*: the same per counter, median over the"
        + " counters of a run, then median over the runs. *Failed*: requests given up (or"
        + " answered an error), from the warm-up (every counter had answered once) to the end of"
        + " the load; *failed at start*: before that, while the fresh cluster allocated its"
        + " shards. *Fault window*: the requests in flight at the kill or meant to start from"
        + " the kill until the last counter answered again. *Lost*: acknowledged increments"
        + " missing from the counters read at the end (must be 0). *Applied without ack*:"
        + " increments counted but never acknowledged to the caller (requests given up on that"
        + " were applied after all, or, without idempotency, retries applied twice). *Request"
        + " p50 / p99*: latency of a successful increment from the warm-up to the kill, median"
        + " over the runs.\n");

    ClusterResults.Target plain = results.get(ClusterTarget.BATON);
    ClusterResults.Target tls = results.get(ClusterTarget.BATON_TLS);
    if (plain != null && tls != null) {
      out.append("\n**Cost of TLS** (baton-tls / baton, same run and killed node; the load's"
          + " arrival rate is fixed, so the cost shows as latency and in the takeover):\n\n"
          + "| | baton | baton-tls | TLS / plain |\n|---|--:|--:|--:|\n");
      costRow(out, "Takeover median (s)", plain, tls, t -> Stats.median(completeTakeovers(t))
          / 1000.0);
      costRow(out, "Takeover max (s)", plain, tls, t -> Stats.max(completeTakeovers(t)) / 1000.0);
      costRow(out, "Requests/s achieved (median of runs)", plain, tls, t -> Stats.median(
          values(t.runs(), ClusterResults.Run::requestsPerSecond)));
      costRow(out, "Request p50 before the kill (ms)", plain, tls, t -> Stats.median(
          values(t.runs(), ClusterResults.Run::p50Millis)));
      costRow(out, "Request p99 before the kill (ms)", plain, tls, t -> Stats.median(
          values(t.runs(), ClusterResults.Run::p99Millis)));
      costRow(out, "Fault window p99 (s)", plain, tls, t -> Stats.median(
          values(t.runs(), run -> window(run).p99Millis())) / 1000.0);
      costRow(out, "Failed requests (sum of runs)", plain, tls, t -> (double) sum(t.runs(),
          ClusterResults.Run::failed));
    }

    out.append("\n| Target | Run | Start-up | Counters on killed node | Stalled elsewhere"
        + " | Takeover | Per-counter median | Requests | Requests/s | p50 / p99 before the kill"
        + " | Fault window: requests, failed, p99 / max | Failed"
        + " | of which after the kill / on other counters | Retried | Longest request | Lost"
        + " | Applied without ack | Failed at start |\n");
    out.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for (ClusterResults.Target target : results.values()) {
      for (ClusterResults.Run run : target.runs()) {
        out.append(String.format(Locale.ROOT,
            "| %s | %d | %.1f s | %d of %d | %d | %s | %s | %,d | %.0f | %s / %s | %,d, %d, %s / %s"
                + " | %d | %d / %d | %d | %s | %d | %d | %d |%n",
            target.label(), run.run(), run.startupSeconds(), run.affected(), run.entities(),
            run.stalled(), run.complete() ? seconds(run.takeoverMillis())
                : "> " + seconds(target.parameters().maxWaitMillis()),
            seconds(run.entityMedianMillis()), run.requests(), run.requestsPerSecond(),
            millis(run.p50Millis()), millis(run.p99Millis()), window(run).requests(),
            window(run).failed(), seconds(window(run).p99Millis()),
            seconds(window(run).maxMillis()), run.failed(), run.failedAfterKill(),
            run.failures().stream().filter(f -> !f.onKilledNode()).count(), run.retried(),
            seconds(run.longestRequestMillis()), run.lost(), run.appliedWithoutAck(),
            run.failedAtStart()));
      }
    }
    return out.toString();
  }

  private static void costRow(StringBuilder out, String what, ClusterResults.Target plain,
      ClusterResults.Target tls, java.util.function.Function<ClusterResults.Target, Double> of) {
    double off = of.apply(plain);
    double on = of.apply(tls);
    out.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %s |%n", what, off, on,
        off == 0 || Double.isNaN(off) || Double.isNaN(on) ? "n/a"
            : String.format(Locale.ROOT, "%.2f", on / off)));
  }

  /** The run's fault window; an empty one for results written before it was measured. */
  private static ClusterResults.Window window(ClusterResults.Run run) {
    return run.faultWindow() != null ? run.faultWindow()
        : new ClusterResults.Window(0, 0, -1, -1, -1);
  }

  /** {@code node1 (oldest, coordinator)} or the node's name. */
  private static String victim(String node) {
    return "node1".equals(node) ? "node1 (oldest, coordinator)" : node;
  }

  /** A takeover statistic over the runs; an incomplete run counts as the maximum wait. */
  private static String takeover(ClusterResults.Target target,
      java.util.function.Function<List<Double>, Double> statistic) {
    List<Double> values = new ArrayList<>();
    boolean incomplete = false;
    for (ClusterResults.Run run : target.runs()) {
      incomplete |= !run.complete();
      values.add(run.complete() ? run.takeoverMillis()
          : (double) target.parameters().maxWaitMillis());
    }
    double value = statistic.apply(values);
    boolean censored = incomplete && value >= target.parameters().maxWaitMillis();
    return (censored ? "> " : "") + seconds(value);
  }

  private static String ratio(ClusterResults.Target target, ClusterResults.Target baseline,
      java.util.function.Function<List<Double>, Double> statistic) {
    double mine = statistic.apply(completeTakeovers(target));
    double theirs = statistic.apply(completeTakeovers(baseline));
    if (Double.isNaN(mine) || Double.isNaN(theirs) || theirs == 0) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%.3f", mine / theirs);
  }

  private static List<Double> completeTakeovers(ClusterResults.Target target) {
    return target.runs().stream().filter(ClusterResults.Run::complete)
        .map(ClusterResults.Run::takeoverMillis).toList();
  }

  private static List<Double> values(List<ClusterResults.Run> runs,
      ToDoubleFunction<ClusterResults.Run> value) {
    return runs.stream().map(run -> value.applyAsDouble(run)).filter(v -> v >= 0).toList();
  }

  private static long sum(List<ClusterResults.Run> runs,
      java.util.function.ToLongFunction<ClusterResults.Run> value) {
    return runs.stream().mapToLong(value).sum();
  }

  private static long max(List<ClusterResults.Run> runs,
      java.util.function.ToLongFunction<ClusterResults.Run> value) {
    return runs.stream().mapToLong(value).max().orElse(0);
  }

  private static String millis(double millis) {
    if (Double.isNaN(millis) || millis < 0) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%.0f ms", millis);
  }

  private static String seconds(double millis) {
    if (Double.isNaN(millis) || millis < 0) {
      return "n/a";
    }
    return String.format(Locale.ROOT, millis >= 10_000 ? "%.1f s" : "%.2f s", millis / 1000);
  }
}
