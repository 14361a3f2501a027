package io.baton.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a JMH JSON result file and prints a markdown table that sets each {@code baton} benchmark
 * method beside the {@code pekko} method of the same class and parameters, with the ratio
 * Baton/Pekko. Sample-time results get a row each for the mean, p50 and p99. Methods without a
 * partner (such as a measurement floor) are listed in a second table.
 *
 * <p>Usage: {@code java -cp baton-benchmarks-all.jar
 * io.baton.benchmarks.report.ComparisonTable results.json}
 */
public final class ComparisonTable {

  private static final String BATON = "baton";
  private static final String PEKKO = "pekko";

  private ComparisonTable() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: ComparisonTable <jmh-result.json>");
      System.exit(2);
    }
    System.out.print(render(new ObjectMapper().readTree(Path.of(args[0]).toFile())));
  }

  /** One benchmark method's result: class, method, parameters and the primary metric. */
  private record Result(String benchmarkClass, String method, String params, String mode,
      JsonNode metric) {

    static Result of(JsonNode run) {
      String name = run.path("benchmark").asText();
      int dot = name.lastIndexOf('.');
      String className = name.substring(name.lastIndexOf('.', dot - 1) + 1, dot);
      List<String> params = new ArrayList<>();
      for (Map.Entry<String, JsonNode> param : run.path("params").properties()) {
        params.add(param.getKey() + "=" + param.getValue().asText());
      }
      return new Result(className, name.substring(dot + 1), String.join(" ", params),
          run.path("mode").asText(), run.path("primaryMetric"));
    }

    String unit() {
      return metric.path("scoreUnit").asText();
    }

    /** The statistics shown: the score (with its error), and p50 and p99 for sample time. */
    Map<String, Double> statistics() {
      Map<String, Double> stats = new LinkedHashMap<>();
      stats.put(mode.equals("sample") ? "mean" : "score", metric.path("score").asDouble());
      if (mode.equals("sample")) {
        stats.put("p50", metric.path("scorePercentiles").path("50.0").asDouble());
        stats.put("p99", metric.path("scorePercentiles").path("99.0").asDouble());
      }
      return stats;
    }

    String shown(String statistic, double value) {
      double error = metric.path("scoreError").asDouble(Double.NaN);
      boolean withError = (statistic.equals("score") || statistic.equals("mean"))
          && !Double.isNaN(error);
      return number(value) + (withError ? " ± " + number(error) : "");
    }
  }

  static String render(JsonNode runs) {
    Map<String, Map<String, Result>> byGroup = new LinkedHashMap<>();
    for (JsonNode run : runs) {
      Result result = Result.of(run);
      byGroup
          .computeIfAbsent(result.benchmarkClass() + " " + result.params(), k -> new LinkedHashMap<>())
          .put(result.method(), result);
    }
    StringBuilder paired = new StringBuilder();
    paired.append("| Benchmark | Params | Statistic | Unit | Baton | Pekko | Baton/Pekko |\n");
    paired.append("|---|---|---|---|--:|--:|--:|\n");
    StringBuilder single = new StringBuilder();
    single.append("| Benchmark | Params | Statistic | Unit | Value |\n");
    single.append("|---|---|---|---|--:|\n");
    boolean anySingle = false;
    for (Map<String, Result> group : byGroup.values()) {
      Result baton = group.get(BATON);
      Result pekko = group.get(PEKKO);
      for (Result result : group.values()) {
        boolean isPaired = baton != null && pekko != null
            && (result == baton || result == pekko);
        if (isPaired) {
          continue;
        }
        anySingle = true;
        result.statistics().forEach((statistic, value) ->
            single.append(String.format("| %s.%s | %s | %s | %s | %s |%n",
                result.benchmarkClass(), result.method(), result.params(), statistic,
                result.unit(), result.shown(statistic, value))));
      }
      if (baton == null || pekko == null) {
        continue;
      }
      Map<String, Double> pekkoStats = pekko.statistics();
      baton.statistics().forEach((statistic, value) -> {
        Double other = pekkoStats.get(statistic);
        String ratio = other == null || other == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f",
            value / other);
        paired.append(String.format("| %s | %s | %s | %s | %s | %s | %s |%n",
            baton.benchmarkClass(), baton.params(), statistic, baton.unit(),
            baton.shown(statistic, value),
            other == null ? "n/a" : pekko.shown(statistic, other), ratio));
      });
    }
    StringBuilder out = new StringBuilder(paired);
    out.append("\nFor times (us/op, ms/op) a ratio above 1 means Baton is slower; for throughput")
        .append(" (ops/s) a ratio below 1 means Baton is slower. ± is JMH's 99.9% error.\n");
    if (anySingle) {
      out.append("\nOther measurements:\n\n").append(single);
    }
    return out.toString();
  }

  private static String number(double value) {
    double magnitude = Math.abs(value);
    String format = magnitude >= 1000 ? "%,.0f" : magnitude >= 100 ? "%.1f" : magnitude >= 1
        ? "%.2f" : "%.3f";
    return String.format(Locale.ROOT, format, value);
  }
}
