package io.baton.benchmarks.journal;

import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Drives one entity through a fixed number of persists, one at a time: send {@link
 * BenchCounter.Increment}, wait for the acknowledgement (sent by the entity after the journal
 * confirmed the write), take the time, send the next. Times are {@link System#nanoTime()} on the
 * driver's thread around each round trip, recorded in an {@link EntityProgress}.
 *
 * <p>A driver waits for {@link Start} so that many drivers can be released together.
 */
final class SequentialDriver extends AbstractBehavior<SequentialDriver.Message> {

  sealed interface Message {}

  /** Begins the run. */
  enum Start implements Message { INSTANCE }

  private record Acked(long sequenceNr) implements Message {}

  private final ActorRef<BenchCounter.Command> entity;
  private final EntityProgress progress;
  private final CompletableFuture<EntityProgress> done;
  private final BenchCounter.Increment increment;
  private long sentNanos;

  static Behavior<Message> create(ActorRef<BenchCounter.Command> entity, EntityProgress progress,
      CompletableFuture<EntityProgress> done) {
    return Behaviors.setup(context -> new SequentialDriver(context, entity, progress, done));
  }

  private SequentialDriver(ActorContext<Message> context, ActorRef<BenchCounter.Command> entity,
      EntityProgress progress, CompletableFuture<EntityProgress> done) {
    super(context);
    this.entity = entity;
    this.progress = progress;
    this.done = done;
    this.increment = new BenchCounter.Increment(context.messageAdapter(Long.class, Acked::new));
  }

  @Override
  public Receive<Message> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Start.INSTANCE, this::onStart)
        .onMessage(Acked.class, this::onAcked)
        .build();
  }

  private Behavior<Message> onStart() {
    sentNanos = System.nanoTime();
    progress.started(sentNanos);
    entity.tell(increment);
    return this;
  }

  private Behavior<Message> onAcked(Acked acked) {
    long now = System.nanoTime();
    try {
      progress.acknowledged(acked.sequenceNr(), sentNanos, now);
    } catch (IllegalStateException e) {
      done.completeExceptionally(e);
      return Behaviors.stopped();
    }
    if (progress.complete()) {
      done.complete(progress);
      return Behaviors.stopped();
    }
    sentNanos = System.nanoTime();
    entity.tell(increment);
    return this;
  }
}
