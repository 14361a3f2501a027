package io.baton.benchmarks.cluster;

import io.baton.client.BatonClient;
import io.baton.client.ClientResult;
import io.baton.client.ClientTime;
import io.baton.client.HttpTransport;
import io.baton.client.Reply;
import io.baton.client.RetryPolicy;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The Baton target's client: {@link BatonClient} with its default {@link RetryPolicy} (deadline
 * 10 s, attempts of 2 s, exponential backoff from 100 ms, each retry to the next node) over {@link
 * HttpTransport} to the nodes' HTTP entry points, every increment under a fresh idempotency key
 * kept across its retries. One client per entry node, whose routes start at that node.
 */
final class BatonCounterClient implements CounterClient {

  private final List<BatonClient<CounterOp, CounterValue>> clients = new ArrayList<>();

  BatonCounterClient(List<URI> nodes, ScheduledExecutorService scheduler) {
    ClientTime time = ClientTime.of(scheduler);
    for (int first = 0; first < nodes.size(); first++) {
      clients.add(BatonClient.create(HttpTransport.create(rotate(nodes, first),
          BatonCounter.KEY.name(), CounterValue.class), RetryPolicy.defaults(), time));
    }
  }

  @Override
  public CompletionStage<Answer> increment(int entity, String entityId, int firstNode) {
    return send(entity, entityId, firstNode, CounterOp.INCREMENT);
  }

  @Override
  public CompletionStage<Answer> read(int entity, String entityId, int firstNode) {
    return send(entity, entityId, firstNode, CounterOp.GET);
  }

  private CompletionStage<Answer> send(int entity, String entityId, int firstNode, CounterOp op) {
    long start = System.nanoTime();
    return clients.get(firstNode % clients.size()).send(entityId, op).thenApply(result -> {
      long end = System.nanoTime();
      CounterValue value = null;
      if (result instanceof ClientResult.Answered<CounterValue> answered) {
        if (answered.reply() instanceof Reply.Applied<CounterValue> applied) {
          value = applied.result();
        } else if (answered.reply() instanceof Reply.AlreadyApplied<CounterValue> again) {
          value = again.result();
        }
      }
      int attempts = result.attempts().size();
      return value == null
          ? new Answer(entity, false, 0, "", attempts, start, end)
          : new Answer(entity, true, value.count(), value.node(), attempts, start, end);
    });
  }

  static List<URI> rotate(List<URI> nodes, int first) {
    List<URI> rotated = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      rotated.add(nodes.get((first + i) % nodes.size()));
    }
    return rotated;
  }
}
