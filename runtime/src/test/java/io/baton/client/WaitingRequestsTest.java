package io.baton.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Requests waiting for their entities, seen by type and shard once they wait past a threshold. */
@Timeout(10)
class WaitingRequestsTest {

  private final AtomicLong now = new AtomicLong();
  private final WaitingRequests waiting = new WaitingRequests(100, now::get);

  @Test
  void onlyRequestsOlderThanTheThresholdAndNotAnsweredCount() {
    long first = waiting.begin("transfer", "t-1");
    now.addAndGet(Duration.ofMillis(1500).toNanos());
    long second = waiting.begin("transfer", "t-2");
    waiting.begin("account", "a-1");
    now.addAndGet(Duration.ofMillis(600).toNanos());

    assertEquals(Map.of("transfer", new WaitingRequests.Waiting(1, 2100,
        List.of(waiting.shardOf("t-1")))), waiting.snapshot(Duration.ofSeconds(1)));

    waiting.end(first);
    waiting.end(second);
    assertEquals(Map.of(), waiting.snapshot(Duration.ofSeconds(1)));
  }

  @Test
  void shardsAreTheDefaultExtractorsHashOfTheEntityId() {
    assertEquals(Integer.toString(Math.abs("acct-07".hashCode() % 100)), waiting.shardOf("acct-07"));
  }
}
