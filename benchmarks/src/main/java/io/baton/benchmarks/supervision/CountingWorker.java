package io.baton.benchmarks.supervision;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The actor of the throughput benchmark, the same on both sides: counts {@link Count} messages
 * and, on {@link Flush}, hands the count to the waiting benchmark thread.
 */
final class CountingWorker {

  private CountingWorker() {}

  sealed interface Command permits Count, Flush {}

  enum Count implements Command {
    INSTANCE
  }

  enum Flush implements Command {
    INSTANCE
  }

  static Behavior<Command> create(HandOff<Long> counted) {
    return Behaviors.setup(
        context -> {
          long[] count = {0};
          return Behaviors.receive(Command.class)
              .onMessage(
                  Count.class,
                  message -> {
                    count[0]++;
                    return Behaviors.same();
                  })
              .onMessage(
                  Flush.class,
                  message -> {
                    counted.offer(++count[0]);
                    return Behaviors.same();
                  })
              .build();
        });
  }
}
