package io.baton.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.journal.store.JournalStore;
import io.baton.journal.store.JournalStoreSettings;
import io.baton.journal.store.SnapshotCriteria;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ordinary {@code EventSourcedBehavior}, configured only with the plugin ids and a directory,
 * persists, its actor system stops, a new actor system starts on the same directory, and the
 * behaviour recovers exactly its state and goes on writing after it.
 */
@Timeout(60)
class EventSourcedRecoveryTest {

  private static final String JSON = """
      pekko.actor.serialization-bindings { "io.baton.journal.Counter$Json" = jackson-json }
      """;

  @TempDir Path dir;

  /** Events alone: the recovered state is the persisted one, increment by increment. */
  @Test
  void recoversExactlyItsStateAfterTheActorSystemRestarts() {
    List<Counter.State> before = run(id -> Counter.create(id), (counters, probe) -> {
      for (int i = 1; i <= 12; i++) {
        counters.get(i % 2).tell(new Counter.Increment(i, probe.ref()));
        probe.receiveMessage();
      }
      return List.of(get(counters.get(0), probe), get(counters.get(1), probe));
    });
    assertEquals(new Counter.State(2 + 4 + 6 + 8 + 10 + 12, List.of(2, 4, 6, 8, 10, 12)),
        before.get(0));

    List<Counter.State> after = run(id -> Counter.create(id), (counters, probe) -> {
      List<Counter.State> recovered = List.of(get(counters.get(0), probe),
          get(counters.get(1), probe));
      counters.get(0).tell(new Counter.Increment(100, probe.ref()));
      Counter.State next = probe.receiveMessage();
      assertEquals(recovered.get(0).add(100), next);
      return recovered;
    });
    assertEquals(before, after);

    try (JournalStore store = JournalStore.open(JournalStoreSettings.create(dir))) {
      assertEquals(7, store.highestSequenceNr("counter-0"));
      assertEquals(6, store.highestSequenceNr("counter-1"));
    }
  }

  /**
   * With snapshots every 4 events and the covered events deleted, recovery starts from the
   * snapshot and replays only the rest; sequence numbers go on after the deleted ones, across two
   * restarts.
   */
  @Test
  void recoversFromASnapshotAfterItsEventsWereDeleted() {
    Function<String, Behavior<Counter.Command>> snapshotting =
        id -> Counter.snapshotting(id, 4);
    List<Counter.State> before = run(snapshotting, (counters, probe) -> {
      for (int i = 1; i <= 10; i++) {
        counters.get(0).tell(new Counter.Increment(i, probe.ref()));
        probe.receiveMessage();
      }
      return List.of(get(counters.get(0), probe));
    });
    assertEquals(55, before.get(0).total());

    List<Counter.State> middle = run(snapshotting, (counters, probe) -> {
      Counter.State recovered = get(counters.get(0), probe);
      counters.get(0).tell(new Counter.Increment(11, probe.ref()));
      probe.receiveMessage();
      return List.of(recovered, get(counters.get(0), probe));
    });
    assertEquals(before.get(0), middle.get(0));

    List<Counter.State> after =
        run(snapshotting, (counters, probe) -> List.of(get(counters.get(0), probe)));
    assertEquals(middle.get(1), after.get(0));
    assertEquals(66, after.get(0).total());
    assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), after.get(0).increments());

    try (JournalStore store = JournalStore.open(JournalStoreSettings.create(dir))) {
      assertEquals(11, store.highestSequenceNr("counter-0"));
      assertTrue(store.deletedToSequenceNr("counter-0") >= 4,
          "events covered by a snapshot were deleted");
      assertEquals(8, store.loadSnapshot("counter-0", SnapshotCriteria.latest()).get()
          .sequenceNr());
    }
  }

  private interface Scenario {
    List<Counter.State> run(List<ActorRef<Counter.Command>> counters,
        TestProbe<Counter.State> probe);
  }

  /** Starts an actor system on the directory with two counters, runs the scenario, stops it. */
  private List<Counter.State> run(
      Function<String, Behavior<Counter.Command>> behavior, Scenario scenario) {
    try (PluginFixture fixture = PluginFixture.start("EventSourcedRecoveryTest", dir, JSON)) {
      List<ActorRef<Counter.Command>> counters = List.of(
          fixture.kit.spawn(behavior.apply("counter-0"), "counter-0"),
          fixture.kit.spawn(behavior.apply("counter-1"), "counter-1"));
      return scenario.run(counters, fixture.kit.createTestProbe());
    }
  }

  private static Counter.State get(ActorRef<Counter.Command> counter,
      TestProbe<Counter.State> probe) {
    counter.tell(new Counter.Get(probe.ref()));
    return probe.receiveMessage();
  }
}
