package io.baton.benchmarks.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.load.ArrivalStream;
import io.baton.load.AttemptPolicy;
import io.baton.load.EntityClient;
import io.baton.load.LoadClock;
import io.baton.load.LoadRequest;
import io.baton.load.LoadSummary;
import io.baton.load.OpenLoopGenerator;
import io.baton.load.RequestOutcome;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The client load of a run, open loop ({@link OpenLoopGenerator}, decision 0016): increments at a
 * fixed arrival rate whatever the cluster does, request {@code i} to counter {@code i mod
 * entities} and first through node {@code i mod nodes}, each measured from its <em>intended</em>
 * start and retried with its idempotency key on the next node under the {@link AttemptPolicy}
 * (1.5 s attempts, given up 10 s after the intended start). Every target is spoken to over the
 * same wire contract ({@code POST /entities/bench-counter/{id}}, body {@code "INCREMENT"}); the
 * stock nodes ignore the key.
 *
 * <p>Every outcome becomes an {@link Answer} (start = intended start), kept in a concurrent queue
 * that the driver snapshots. The generator's scheduler sends; outcomes arrive on the HTTP client's
 * threads; {@link #stop} waits until every request has its outcome.
 */
final class OpenCounterLoad implements AutoCloseable {

  static final String STREAM = "increments";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<String> ids;
  private final double rate;
  private final OpenLoopGenerator generator;
  private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
  private volatile long startNanos;
  private volatile boolean stopped;

  OpenCounterLoad(List<URI> nodes, List<String> ids, double rate, AttemptPolicy policy,
      Path history) {
    this.ids = List.copyOf(ids);
    this.rate = rate;
    this.generator = OpenLoopGenerator.create(
        EntityClient.create(nodes, policy, LoadClock.system()), history, null);
  }

  /** Starts the load in phase {@code firstPhase}. */
  void start(String firstPhase) {
    generator.start(firstPhase, List.of(ArrivalStream.of(STREAM, rate, index ->
        LoadRequest.of(StockBenchNode.BENCH_COUNTER_TYPE, ids.get((int) (index % ids.size())),
            "\"INCREMENT\"", ids.get((int) (index % ids.size())) + "-i" + index))),
        this::record);
    startNanos = generator.startNanos();
  }

  /** Requests intended from now on belong to phase {@code name}. */
  void markPhase(String name) {
    generator.markPhase(name);
  }

  /** Stops the load once every request has its outcome; the generator's summary. */
  LoadSummary stop() throws InterruptedException {
    stopped = true;
    return generator.stop();
  }

  /** The answers so far. */
  List<Answer> answers() {
    return new ArrayList<>(answers);
  }

  /**
   * Stops the load first if the run failed before it stopped it (so that the requests in flight
   * end with their outcomes instead of writing to a closed history), then closes it.
   */
  @Override
  public void close() {
    if (!stopped && startNanos != 0) {
      try {
        stop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    generator.close();
  }

  private void record(RequestOutcome outcome) {
    String id = outcome.request().id();
    int entity = ids.indexOf(id);
    long start = startNanos + outcome.intendedNanos();
    long end = startNanos + outcome.endNanos();
    int attempts = outcome.attempts().size();
    boolean stalled = outcome.attempts().stream().anyMatch(a -> a.result().equals("timeout")
        || a.result().startsWith("5"));
    JsonNode result = result(outcome.answer().body());
    if (outcome.outcome().acknowledged() && result.has("count")) {
      answers.add(new Answer(entity, true, result.get("count").asLong(),
          result.path("node").asText(""), attempts, start, end, stalled,
          outcome.outcome().name()));
    } else {
      answers.add(new Answer(entity, false, 0, "", attempts, start, end, stalled,
          outcome.outcome().name()));
    }
  }

  private static JsonNode result(String body) {
    try {
      JsonNode node = JSON.readTree(body);
      return node == null ? JSON.createObjectNode() : node.path("result");
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }
}
