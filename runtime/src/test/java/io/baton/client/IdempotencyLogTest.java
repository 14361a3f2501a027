package io.baton.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Retention of the idempotency log: pure functions of the records, no clock. */
@Timeout(10)
class IdempotencyLogTest {

  private static IdempotencyLog<Long> recordAll(IdempotencyLog<Long> log, long... appliedAt) {
    for (int i = 0; i < appliedAt.length; i++) {
      log = log.record(new AppliedRequest<>("r" + (i + 1), (long) (i + 1) * 10, appliedAt[i]));
    }
    return log;
  }

  private static List<String> ids(IdempotencyLog<Long> log) {
    return log.entries().stream().map(AppliedRequest::requestId).toList();
  }

  /** The count bound holds at N and N+1: the oldest records go first and move the horizon. */
  @Test
  void theCountBoundKeepsTheNewestRecords() {
    IdempotencyLog<Long> empty = IdempotencyLog.create(Retention.of(3, Duration.ofHours(1)));
    IdempotencyLog<Long> full = recordAll(empty, 100, 200, 300);
    assertEquals(List.of("r1", "r2", "r3"), ids(full));
    assertEquals(IdempotencyLog.NO_HORIZON, full.horizonMillis());

    IdempotencyLog<Long> over = recordAll(empty, 100, 200, 300, 400, 500);
    assertEquals(List.of("r3", "r4", "r5"), ids(over));
    assertEquals(2, over.dropped());
    assertEquals(200, over.horizonMillis(), "the newest dropped record's applied time");
    assertEquals(3, over.size());
  }

  /** The age bound is measured from the newest record, so replay rebuilds the same log. */
  @Test
  void theAgeBoundIsRelativeToTheNewestRecord() {
    IdempotencyLog<Long> log = recordAll(
        IdempotencyLog.create(Retention.of(100, Duration.ofMillis(1000))), 0, 600, 1000, 1600);
    assertEquals(List.of("r2", "r3", "r4"), ids(log),
        "r1 is 1600 ms older than the newest; r2, exactly maxAge older, stays");
    assertEquals(0, log.horizonMillis());
    IdempotencyLog<Long> atTheEdge = log.record(new AppliedRequest<>("r5", 50L, 1500));
    assertEquals(List.of("r2", "r3", "r4", "r5"), ids(atTheEdge),
        "a late record with an older stamp is kept and drops nothing");
  }

  /** A second record under an id keeps the first result: the answer never changes. */
  @Test
  void recordingAnIdAgainKeepsTheFirstResult() {
    IdempotencyLog<Long> log = IdempotencyLog.<Long>create(Retention.defaults())
        .record(new AppliedRequest<>("a", 1L, 10));
    assertEquals(log, log.record(new AppliedRequest<>("a", 2L, 20)));
    assertEquals(1L, log.lookup("a").orElseThrow().result());
  }

  /** Absent and issued at or before the horizon means "maybe forgotten"; after it, "never seen". */
  @Test
  void aRequestIssuedBeforeTheHorizonMayHaveBeenForgotten() {
    IdempotencyLog<Long> log = recordAll(
        IdempotencyLog.create(Retention.of(2, Duration.ofHours(1))), 100, 200, 300);
    assertEquals(100, log.horizonMillis());
    assertTrue(log.mayHaveForgotten(Request.create("r1", 90, 5_000, 0L)));
    assertTrue(log.mayHaveForgotten(Request.create("other", 100, 5_000, 0L)));
    assertFalse(log.mayHaveForgotten(Request.create("new", 101, 5_000, 0L)));
    assertFalse(log.mayHaveForgotten(Request.create("r2", 0, 5_000, 0L)), "r2 is held");
  }

  /** The log is a Jackson value: it round-trips with its results' types and its horizon. */
  @Test
  void theLogRoundTripsThroughJackson() throws Exception {
    ObjectMapper json = new ObjectMapper();
    IdempotencyLog<Long> log = recordAll(
        IdempotencyLog.create(Retention.of(2, Duration.ofMinutes(5))), 100, 200, 300);
    String text = json.writeValueAsString(log);
    IdempotencyLog<Long> back = json.readValue(text, new TypeReference<IdempotencyLog<Long>>() {});
    assertEquals(log, back);
    assertEquals(Long.class, back.lookup("r3").orElseThrow().result().getClass());
    assertTrue(back.lookup("r3").isPresent(), "the lookup index is rebuilt");
  }

  /** Invalid bounds fail when built, naming the value. */
  @Test
  void invalidRetentionIsRefusedWithTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Retention.of(0, Duration.ofMinutes(1)));
    assertTrue(e.getMessage().contains("was 0"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Retention.of(1, Duration.ZERO));
  }
}
