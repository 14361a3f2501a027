package io.baton.benchmarks.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The stock targets' client: what a plain HTTP client of a stock Pekko service does. Each attempt
 * is one request to a node's endpoint ({@link StockBenchNode}) with a {@link #ATTEMPT_TIMEOUT}
 * timeout; on a timeout, an error status or no connection it tries the next node after {@link
 * #PAUSE}, until {@link #DEADLINE} after the first attempt (the same attempt timeout and overall
 * deadline as {@code BatonClient}'s defaults). It has no idempotency key: a retry of an increment
 * whose first attempt was applied late is applied again.
 */
final class PlainCounterClient implements CounterClient {

  static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
  static final Duration PAUSE = Duration.ofMillis(100);
  static final Duration DEADLINE = Duration.ofSeconds(10);

  private final List<URI> nodes;
  private final ScheduledExecutorService scheduler;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();
  private final ObjectMapper json = new ObjectMapper();

  PlainCounterClient(List<URI> nodes, ScheduledExecutorService scheduler) {
    this.nodes = List.copyOf(nodes);
    this.scheduler = scheduler;
  }

  @Override
  public CompletionStage<Answer> increment(int entity, String entityId, int firstNode) {
    return send(entity, entityId, firstNode, true);
  }

  @Override
  public CompletionStage<Answer> read(int entity, String entityId, int firstNode) {
    return send(entity, entityId, firstNode, false);
  }

  private CompletionStage<Answer> send(int entity, String entityId, int firstNode,
      boolean increment) {
    CompletableFuture<Answer> result = new CompletableFuture<>();
    attempt(entity, entityId, increment, firstNode % nodes.size(), 1, System.nanoTime(), result);
    return result;
  }

  private void attempt(int entity, String entityId, boolean increment, int node, int number,
      long start, CompletableFuture<Answer> result) {
    long left = DEADLINE.toNanos() - (System.nanoTime() - start);
    HttpRequest.Builder request = HttpRequest.newBuilder(
            nodes.get(node).resolve("/counters/" + entityId))
        .timeout(Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(50),
            Math.min(ATTEMPT_TIMEOUT.toNanos(), left))));
    request = increment ? request.POST(HttpRequest.BodyPublishers.noBody()) : request.GET();
    http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
        .whenComplete((response, failure) -> {
          long now = System.nanoTime();
          if (failure == null && response.statusCode() == 200) {
            try {
              JsonNode value = json.readTree(response.body());
              result.complete(new Answer(entity, true, value.path("count").asLong(),
                  value.path("node").asText(), number, start, now));
              return;
            } catch (java.io.IOException e) {
              // an unreadable answer counts as a failed attempt
            }
          }
          // Another attempt only if the deadline leaves it at least 50 ms after the pause.
          if (now - start + PAUSE.toNanos() + TimeUnit.MILLISECONDS.toNanos(50)
              >= DEADLINE.toNanos()) {
            result.complete(new Answer(entity, false, 0, "", number, start, now));
            return;
          }
          scheduler.schedule(() -> attempt(entity, entityId, increment,
              (node + 1) % nodes.size(), number + 1, start, result), PAUSE.toNanos(),
              TimeUnit.NANOSECONDS);
        });
  }
}
