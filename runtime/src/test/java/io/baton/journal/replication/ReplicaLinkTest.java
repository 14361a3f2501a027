package io.baton.journal.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.journal.store.EventRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.pekko.actor.Address;
import org.junit.jupiter.api.Test;

/** Group commit over the network: one batch in flight, the rest leave together, answers per entity. */
class ReplicaLinkTest {

  private final List<ReplicaLink.Batch> sent = new ArrayList<>();
  private final List<CompletableFuture<ReplicationMessage.ReplicateReply>> replies =
      new ArrayList<>();
  private final ReplicaLink link = new ReplicaLink(new Address("pekko", "baton", "h", 1),
      1024, batch -> {
        sent.add(batch);
        CompletableFuture<ReplicationMessage.ReplicateReply> reply = new CompletableFuture<>();
        replies.add(reply);
        return reply;
      });

  private static List<EventRecord> events(String pid, long from, long to) {
    List<EventRecord> events = new ArrayList<>();
    for (long seq = from; seq <= to; seq++) {
      events.add(new EventRecord(pid, seq, new byte[] {(byte) seq}));
    }
    return events;
  }

  private static ReplicationMessage.Replicated ok(Map<String, Long> fenced) {
    return new ReplicationMessage.Replicated("replica", fenced);
  }

  @Test
  void aLoneWriteLeavesAtOnceAndWritesArrivingMeanwhileLeaveTogetherNext() {
    var first = link.submit(events("a", 1, 1), Map.of("a", 1L));
    assertEquals(1, sent.size());
    var second = link.submit(events("a", 2, 2), Map.of("a", 1L));
    var third = link.submit(events("b", 1, 3), Map.of("b", 4L));
    assertEquals(1, sent.size(), "nothing more leaves while a batch is in flight");
    assertEquals(5, link.lag());
    replies.get(0).complete(ok(Map.of()));
    assertTrue(first.isDone() && !first.isCompletedExceptionally());
    assertEquals(2, sent.size());
    assertEquals(4, sent.get(1).events().size());
    assertEquals(Map.of("a", 1L, "b", 4L), sent.get(1).epochs());
    assertFalse(second.isDone());
    replies.get(1).complete(ok(Map.of()));
    assertTrue(second.isDone() && third.isDone());
    assertEquals(0, link.lag());
  }

  @Test
  void aFencedEntityFailsOnlyItsOwnWrites() throws Exception {
    link.submit(events("x", 1, 1), Map.of("x", 1L));
    var stale = link.submit(events("a", 5, 5), Map.of("a", 1L));
    var fine = link.submit(events("b", 1, 1), Map.of("b", 2L));
    replies.get(0).complete(ok(Map.of()));
    replies.get(1).complete(ok(Map.of("a", 3L)));
    ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(
        ExecutionException.class, stale::get);
    assertInstanceOf(FencedException.class, refused.getCause());
    fine.get();
  }

  @Test
  void aTimeoutFailsTheWholeBatchUnacknowledgedAndTheNextBatchStillLeaves() {
    var lost = link.submit(events("a", 1, 1), Map.of("a", 1L));
    var next = link.submit(events("a", 2, 2), Map.of("a", 1L));
    replies.get(0).completeExceptionally(new java.util.concurrent.TimeoutException("ask timed out"));
    assertTrue(lost.isCompletedExceptionally());
    assertEquals(2, sent.size());
    replies.get(1).complete(ok(Map.of()));
    assertTrue(next.isDone() && !next.isCompletedExceptionally());
  }

  @Test
  void batchesAreCappedBySize() {
    link.submit(events("a", 1, 1), Map.of("a", 1L));
    link.submit(events("big", 1, 15), Map.of("big", 1L)); // 15 x 67 bytes: with c, > 1 KiB
    link.submit(events("c", 1, 1), Map.of("c", 1L));
    replies.get(0).complete(ok(Map.of()));
    assertEquals(15, sent.get(1).events().size(), "a write that fills the batch leaves alone");
    replies.get(1).complete(ok(Map.of()));
    assertEquals(1, sent.get(2).events().size());
  }

  /** A replica that left the ring holds no write for the ack timeout: waiting writes fail at once. */
  @Test
  void anAbandonedLinkFailsTheWritesInFlightAndQueuedAtOnceAndLaterOnes() {
    var inFlight = link.submit(events("a", 1, 1), Map.of("a", 1L));
    var queued = link.submit(events("a", 2, 2), Map.of("a", 1L));
    assertFalse(inFlight.isDone());
    link.abandon();
    ExecutionException first = org.junit.jupiter.api.Assertions.assertThrows(
        ExecutionException.class, inFlight::get);
    assertInstanceOf(ReplicaLeftRing.class, first.getCause());
    ExecutionException second = org.junit.jupiter.api.Assertions.assertThrows(
        ExecutionException.class, queued::get);
    assertInstanceOf(ReplicaLeftRing.class, second.getCause());
    var later = link.submit(events("a", 3, 3), Map.of("a", 1L));
    assertTrue(later.isCompletedExceptionally());
    replies.get(0).complete(ok(Map.of()));
    assertEquals(1, sent.size(), "nothing more is sent to a replica that left");
  }

  private static List<EventRecord> large(String pid, long seq, int bytes) {
    return List.of(new EventRecord(pid, seq, new byte[bytes]));
  }

  private static long size(ReplicaLink.Batch batch) {
    return ReplicaLink.size(batch.events());
  }

  /**
   * One write holding two entities' events, together larger than a message, leaves as two
   * messages that each fit (Artery would drop one that does not), and completes when both are
   * confirmed.
   */
  @Test
  void aWriteLargerThanAMessageIsSplitByEntitySoThatEveryMessageFits() {
    var write = new java.util.ArrayList<EventRecord>();
    write.addAll(large("a", 1, 600));
    write.addAll(large("b", 1, 600));
    var done = link.submit(write, Map.of("a", 1L, "b", 1L));
    assertEquals(1, sent.size());
    assertTrue(size(sent.get(0)) <= 1024, "first message fits: " + size(sent.get(0)));
    replies.get(0).complete(ok(Map.of()));
    assertFalse(done.isDone(), "half of the write is confirmed");
    assertEquals(2, sent.size());
    assertTrue(size(sent.get(1)) <= 1024, "second message fits: " + size(sent.get(1)));
    replies.get(1).complete(ok(Map.of()));
    assertTrue(done.isDone() && !done.isCompletedExceptionally());
  }

  /**
   * An entity's events that alone exceed a message are refused at once, never sent, and the
   * writes of other entities go on as if it had not been.
   */
  @Test
  void anEntityPartLargerThanAMessageIsRefusedAtOnceAndOthersGoOn() {
    var big = link.submit(large("big", 1, 2000), Map.of("big", 1L));
    assertTrue(big.isCompletedExceptionally());
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
        ExecutionException.class, big::get);
    assertInstanceOf(OversizedWriteException.class, e.getCause());
    assertTrue(e.getCause().getMessage().contains("maximum-frame-size"), e.getCause().getMessage());
    assertEquals(0, sent.size(), "nothing was sent");
    var small = link.submit(events("small", 1, 1), Map.of("small", 1L));
    assertEquals(1, sent.size());
    replies.get(0).complete(ok(Map.of()));
    assertTrue(small.isDone() && !small.isCompletedExceptionally());
  }
}
