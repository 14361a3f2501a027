package io.baton.journal;

import static io.baton.journal.PluginFixture.classic;
import static io.baton.journal.PluginFixture.seq;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.DeleteMessagesSuccess;
import org.apache.pekko.persistence.JournalProtocol.DeleteMessagesTo;
import org.apache.pekko.persistence.JournalProtocol.RecoverySuccess;
import org.apache.pekko.persistence.JournalProtocol.ReplayMessages;
import org.apache.pekko.persistence.JournalProtocol.ReplayedMessage;
import org.apache.pekko.persistence.JournalProtocol.WriteMessageRejected;
import org.apache.pekko.persistence.JournalProtocol.WriteMessageSuccess;
import org.apache.pekko.persistence.JournalProtocol.WriteMessages;
import org.apache.pekko.persistence.JournalProtocol.WriteMessagesSuccessful$;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.PersistentRepr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pekko's journal plugin TCK ({@code persistence-tck} {@code JournalSpec}), case by case, driving
 * {@link BatonJournal} through {@code JournalProtocol} messages as the TCK does. Each test starts
 * with events 1..5 of a fresh persistence id, written as the TCK writes them (1..3 alone, 4 and 5
 * in one {@code AtomicWrite}), on a fresh data directory. The optional cases (rejection,
 * serialization, metadata, a replay window over a deleted prefix) are all supported and run.
 */
@Timeout(30)
class JournalContractTest {

  private static final int ACTOR_INSTANCE_ID = 1;

  @TempDir Path dir;

  private PluginFixture fixture;
  private ActorRef journal;
  private TestProbe<Object> receiver;
  private ActorRef senderRef;
  private final String pid = "p-1";
  private final String writerUuid = UUID.randomUUID().toString();

  @BeforeEach
  void writeFiveEvents() {
    fixture = PluginFixture.start("JournalContractTest", dir);
    journal = Persistence.get(fixture.classic).journalFor(null, ConfigFactory.empty());
    receiver = fixture.probe();
    senderRef = classic(fixture.probe());
    writeMessages(1, 5, pid, senderRef, writerUuid);
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  // ------------------------------------------------------------------ "A journal must ..."

  /** Replay returns every event, in order, then the highest sequence number. */
  @Test
  void replaysAllMessages() {
    replay(1, Long.MAX_VALUE, Long.MAX_VALUE, pid);
    expectReplayed(1, 2, 3, 4, 5);
    expectRecovered(5);
  }

  /** A lower bound skips the events before it. */
  @Test
  void replaysMessagesUsingALowerSequenceNumberBound() {
    replay(3, Long.MAX_VALUE, Long.MAX_VALUE, pid);
    expectReplayed(3, 4, 5);
    expectRecovered(5);
  }

  /** An upper bound stops the replay, but the highest sequence number is still reported. */
  @Test
  void replaysMessagesUsingAnUpperSequenceNumberBound() {
    replay(1, 3, Long.MAX_VALUE, pid);
    expectReplayed(1, 2, 3);
    expectRecovered(5);
  }

  /** A count limit stops the replay after that many events. */
  @Test
  void replaysMessagesUsingACountLimit() {
    replay(1, Long.MAX_VALUE, 3, pid);
    expectReplayed(1, 2, 3);
    expectRecovered(5);
  }

  /** Both bounds select the range between them. */
  @Test
  void replaysMessagesUsingALowerAndUpperSequenceNumberBound() {
    replay(2, 3, Long.MAX_VALUE, pid);
    expectReplayed(2, 3);
    expectRecovered(5);
  }

  /** Bounds and a count limit: the smaller selection wins. */
  @Test
  void replaysMessagesUsingALowerAndUpperSequenceNumberBoundAndACountLimit() {
    replay(2, 5, 2, pid);
    expectReplayed(2, 3);
    expectRecovered(5);
  }

  /** Equal bounds replay exactly that event. */
  @Test
  void replaysASingleMessageIfLowerBoundEqualsUpperBound() {
    replay(2, 2, Long.MAX_VALUE, pid);
    expectReplayed(2);
    expectRecovered(5);
  }

  /** A count limit of 1 replays only the first event of the range. */
  @Test
  void replaysASingleMessageIfCountLimitEqualsOne() {
    replay(2, 4, 1, pid);
    expectReplayed(2);
    expectRecovered(5);
  }

  /** A count limit of 0 replays nothing but still reports the highest sequence number. */
  @Test
  void doesNotReplayMessagesIfCountLimitEqualsZero() {
    replay(2, 4, 0, pid);
    expectRecovered(5);
  }

  /** An empty range (lower above upper) replays nothing. */
  @Test
  void doesNotReplayMessagesIfLowerBoundIsGreaterThanUpperBound() {
    replay(3, 2, Long.MAX_VALUE, pid);
    expectRecovered(5);
  }

  /** A persistence id never written replays nothing, with highest sequence number 0. */
  @Test
  void doesNotReplayMessagesIfThePersistentActorHasNotYetWrittenMessages() {
    replay(0, Long.MAX_VALUE, Long.MAX_VALUE, "non-existing-pid");
    expectRecovered(0);
  }

  /** Deleted events are not replayed; the deletion is published and acknowledged once. */
  @Test
  void doesNotReplayPermanentlyDeletedMessagesRangeDeletion() {
    TestProbe<Object> deleter = fixture.probe();
    TestProbe<Object> subscriber = fixture.probe();
    DeleteMessagesTo cmd = new DeleteMessagesTo(pid, 3, classic(deleter));
    fixture.classic.getEventStream().subscribe(classic(subscriber), DeleteMessagesTo.class);
    journal.tell(cmd, ActorRef.noSender());
    subscriber.expectMessage(cmd);
    deleter.expectMessage(new DeleteMessagesSuccess(cmd.toSequenceNr()));

    replay(1, Long.MAX_VALUE, Long.MAX_VALUE, pid);
    expectReplayed(4, 5);
    deleter.expectNoMessage(Duration.ofMillis(200));
  }

  /** Deleting events does not lower the highest sequence number. */
  @Test
  void doesNotResetHighestSequenceNrAfterMessageDeletion() {
    replay(0, Long.MAX_VALUE, Long.MAX_VALUE, pid);
    expectReplayed(1, 2, 3, 4, 5);
    expectRecovered(5);

    journal.tell(new DeleteMessagesTo(pid, 3L, classic(receiver)), ActorRef.noSender());
    receiver.expectMessage(new DeleteMessagesSuccess(3L));

    replay(0, Long.MAX_VALUE, Long.MAX_VALUE, pid);
    expectReplayed(4, 5);
    expectRecovered(5);
  }

  /** Deleting every event does not lower the highest sequence number either. */
  @Test
  void doesNotResetHighestSequenceNrAfterJournalCleanup() {
    replay(0, Long.MAX_VALUE, Long.MAX_VALUE, pid);
    expectReplayed(1, 2, 3, 4, 5);
    expectRecovered(5);

    journal.tell(new DeleteMessagesTo(pid, Long.MAX_VALUE, classic(receiver)),
        ActorRef.noSender());
    receiver.expectMessage(new DeleteMessagesSuccess(Long.MAX_VALUE));

    replay(0, Long.MAX_VALUE, Long.MAX_VALUE, pid);
    expectRecovered(5);
  }

  /** A lower bound equal to the last deleted number replays the survivors. */
  @Test
  void replaysAllSurvivingMessagesWhenTheLowerBoundEqualsTheLastDeletedSequenceNumber() {
    deleteTo(3);
    replay(3, Long.MAX_VALUE, Long.MAX_VALUE, pid);
    expectReplayed(4, 5);
    expectRecovered(5);
  }

  /** An upper bound inside the deleted prefix replays nothing. */
  @Test
  void returnsOnlyRecoverySuccessWhenTheUpperBoundFallsWithinADeletedPrefix() {
    deleteTo(3);
    replay(1, 2, Long.MAX_VALUE, pid);
    expectRecovered(5);
  }

  /** An upper bound equal to the last deleted number replays nothing. */
  @Test
  void returnsOnlyRecoverySuccessWhenTheUpperBoundEqualsTheLastDeletedSequenceNumber() {
    deleteTo(3);
    replay(1, 3, Long.MAX_VALUE, pid);
    expectRecovered(5);
  }

  /** A lower bound at the first survivor replays from it. */
  @Test
  void replaysFromTheFirstSurvivingMessageWhenTheLowerBoundEqualsTheFirstSurvivingNumber() {
    deleteTo(3);
    replay(4, Long.MAX_VALUE, Long.MAX_VALUE, pid);
    expectReplayed(4, 5);
    expectRecovered(5);
  }

  // ------------------------------------------------------- "A journal optionally may ..."

  /** A write that cannot be serialized is rejected alone; its neighbours are stored. */
  @Test
  void rejectsNonSerializableEvents() {
    Object notSerializable = new Object() {
      @Override
      public String toString() {
        return "not serializable";
      }
    };
    List<AtomicWrite> writes = new ArrayList<>();
    for (int i = 6; i <= 8; i++) {
      Object event = i == 7 ? notSerializable : "b-" + i;
      writes.add(new AtomicWrite(seq(List.of(
          PersistentRepr.apply(event, i, pid, "", false, null, writerUuid)))));
    }
    TestProbe<Object> probe = fixture.probe();
    journal.tell(new WriteMessages(seq(writes), classic(probe), ACTOR_INSTANCE_ID),
        ActorRef.noSender());

    probe.expectMessage(WriteMessagesSuccessful$.MODULE$);
    assertWritten(probe.receiveMessage(), "b-6", 6, null);
    WriteMessageRejected rejected =
        assertInstanceOf(WriteMessageRejected.class, probe.receiveMessage());
    assertSame(notSerializable, rejected.message().payload());
    assertEquals(7, rejected.message().sequenceNr());
    assertEquals(pid, rejected.message().persistenceId());
    assertEquals(writerUuid, rejected.message().writerUuid());
    assertWritten(probe.receiveMessage(), "b-8", 8, null);

    replay(1, Long.MAX_VALUE, Long.MAX_VALUE, pid);
    expectReplayed(1, 2, 3, 4, 5);
    receiver.expectMessage(new ReplayedMessage(repr("b-6", 6)));
    receiver.expectMessage(new ReplayedMessage(repr("b-8", 8)));
    expectRecovered(8);
  }

  /** Events go through Pekko serialization, with transport information, and come back equal. */
  @Test
  void serializesEvents() {
    TestProbe<Object> probe = fixture.probe();
    TestPayload event = new TestPayload(classic(probe));
    AtomicWrite write = new AtomicWrite(seq(List.of(
        PersistentRepr.apply(event, 6L, pid, "", false, null, writerUuid))));
    journal.tell(new WriteMessages(seq(List.of(write)), classic(probe), ACTOR_INSTANCE_ID),
        ActorRef.noSender());

    probe.expectMessage(WriteMessagesSuccessful$.MODULE$);
    assertWritten(probe.receiveMessage(), event, 6, null);

    replay(6, Long.MAX_VALUE, Long.MAX_VALUE, pid);
    ReplayedMessage replayed = assertInstanceOf(ReplayedMessage.class, receiver.receiveMessage());
    assertEquals(event, replayed.persistent().payload());
    assertEquals(6L, replayed.persistent().sequenceNr());
    assertEquals(pid, replayed.persistent().persistenceId());
    assertNull(replayed.persistent().sender());
    assertEquals(writerUuid, replayed.persistent().writerUuid());
    RecoverySuccess done = assertInstanceOf(RecoverySuccess.class, receiver.receiveMessage());
    assertTrue(done.highestSequenceNr() >= 6L);
  }

  /** Event metadata is stored and replayed with the event. */
  @Test
  void returnsMetadata() {
    TestProbe<Object> probe = fixture.probe();
    TestPayload event = new TestPayload(classic(probe));
    String meta = "meta-data";
    AtomicWrite write = new AtomicWrite(seq(List.of(
        PersistentRepr.apply(event, 6L, pid, "", false, null, writerUuid).withMetadata(meta))));
    journal.tell(new WriteMessages(seq(List.of(write)), classic(probe), ACTOR_INSTANCE_ID),
        ActorRef.noSender());

    probe.expectMessage(WriteMessagesSuccessful$.MODULE$);
    assertWritten(probe.receiveMessage(), event, 6, meta);

    replay(6, 6, 1, pid);
    ReplayedMessage replayed = assertInstanceOf(ReplayedMessage.class, receiver.receiveMessage());
    assertEquals(event, replayed.persistent().payload());
    assertEquals(6L, replayed.persistent().sequenceNr());
    assertEquals(writerUuid, replayed.persistent().writerUuid());
    assertEquals(scala.Option.apply(meta), replayed.persistent().metadata());
    expectRecovered(6);
  }

  /** A replay window that starts in the deleted prefix returns the survivors inside it. */
  @Test
  void replaysSurvivingMessagesWithinBoundsWhenTheReplayWindowSpansADeletedPrefix() {
    deleteTo(3);
    replay(1, 4, Long.MAX_VALUE, pid);
    expectReplayed(4);
    expectRecovered(5);
  }

  // ------------------------------------------------------------------------------ helpers

  /** The TCK's writeMessages: 1..to-2 alone, the last two in one AtomicWrite. */
  private void writeMessages(int from, int to, String pid, ActorRef sender, String writerUuid) {
    List<AtomicWrite> writes = new ArrayList<>();
    for (int i = from; i < to; i++) {
      if (i == to - 1) {
        writes.add(new AtomicWrite(seq(List.of(
            PersistentRepr.apply("a-" + i, i, pid, "", false, sender, writerUuid),
            PersistentRepr.apply("a-" + (i + 1), i + 1, pid, "", false, sender, writerUuid)))));
      } else {
        writes.add(new AtomicWrite(seq(List.of(
            PersistentRepr.apply("a-" + i, i, pid, "", false, sender, writerUuid)))));
      }
    }
    TestProbe<Object> probe = fixture.probe();
    journal.tell(new WriteMessages(seq(writes), classic(probe), ACTOR_INSTANCE_ID),
        ActorRef.noSender());
    probe.expectMessage(WriteMessagesSuccessful$.MODULE$);
    for (int i = from; i <= to; i++) {
      WriteMessageSuccess success =
          assertInstanceOf(WriteMessageSuccess.class, probe.receiveMessage());
      PersistentRepr p = success.persistent();
      assertEquals("a-" + i, p.payload());
      assertEquals(i, p.sequenceNr());
      assertEquals(pid, p.persistenceId());
      assertEquals(sender, p.sender());
      assertEquals(writerUuid, p.writerUuid());
    }
  }

  private void assertWritten(Object message, Object payload, long sequenceNr, Object metadata) {
    WriteMessageSuccess success = assertInstanceOf(WriteMessageSuccess.class, message);
    PersistentRepr p = success.persistent();
    assertEquals(payload, p.payload());
    assertEquals(sequenceNr, p.sequenceNr());
    assertEquals(pid, p.persistenceId());
    assertNull(p.sender());
    assertEquals(writerUuid, p.writerUuid());
    if (metadata != null) {
      assertEquals(scala.Option.apply(metadata), p.metadata());
    }
  }

  private void replay(long from, long to, long max, String persistenceId) {
    journal.tell(new ReplayMessages(from, to, max, persistenceId, classic(receiver)),
        ActorRef.noSender());
  }

  private void deleteTo(long toSequenceNr) {
    TestProbe<Object> deleter = fixture.probe();
    journal.tell(new DeleteMessagesTo(pid, toSequenceNr, classic(deleter)), ActorRef.noSender());
    deleter.expectMessage(new DeleteMessagesSuccess(toSequenceNr));
  }

  private PersistentRepr repr(Object payload, long sequenceNr) {
    return PersistentRepr.apply(payload, sequenceNr, pid, "", false, null, writerUuid);
  }

  /** The TCK's replayedMessage(snr): no sender, not deleted, the test's writer. */
  private void expectReplayed(long... sequenceNrs) {
    for (long snr : sequenceNrs) {
      receiver.expectMessage(new ReplayedMessage(repr("a-" + snr, snr)));
    }
  }

  private void expectRecovered(long highestSequenceNr) {
    receiver.expectMessage(new RecoverySuccess(highestSequenceNr));
  }
}
