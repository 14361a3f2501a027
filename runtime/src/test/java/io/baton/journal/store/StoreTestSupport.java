package io.baton.journal.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** Small helpers for the store tests. */
final class StoreTestSupport {

  private StoreTestSupport() {}

  static EventRecord event(String pid, long sequenceNr) {
    return new EventRecord(pid, sequenceNr, payload(pid, sequenceNr));
  }

  static byte[] payload(String pid, long sequenceNr) {
    return (pid + "/" + sequenceNr).getBytes(StandardCharsets.UTF_8);
  }

  static List<EventRecord> events(String pid, long from, long to) {
    List<EventRecord> events = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      events.add(event(pid, i));
    }
    return events;
  }

  static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static List<Long> sequenceNrs(List<EventRecord> events) {
    return events.stream().map(EventRecord::sequenceNr).toList();
  }
}
