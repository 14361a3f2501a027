package io.baton.benchmarks.supervision;

import io.baton.benchmarks.supervision.CountingWorker.Command;
import io.baton.benchmarks.supervision.CountingWorker.Count;
import io.baton.benchmarks.supervision.CountingWorker.Flush;
import io.baton.supervision.ChildInfo;
import io.baton.supervision.ChildSpec;
import io.baton.supervision.Supervisor;
import io.baton.supervision.SupervisorSpec;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Messages per second through one actor: the benchmark thread sends {@link #MESSAGES} messages
 * and waits until the last has been processed; the score is in messages per second.
 *
 * <ul>
 *   <li>{@link #baton}: the actor is a child of a one_for_one Baton supervisor, so every message
 *       passes Baton's process layer (and the stop strategy it sits in).
 *   <li>{@link #pekko}: the same actor spawned bare.
 * </ul>
 *
 * The ratio is the per-message cost of being a supervised Baton process; nothing crashes here.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SupervisedThroughputBenchmark {

  /** Messages per operation; the last one is the {@link Flush} that ends it. */
  static final int MESSAGES = 100_000;

  /** An actor to send to and the hand-off its count comes back on. */
  abstract static class Target {
    ActorSystemFixture actors;
    HandOff<Long> counted;
    ActorRef<Command> actor;

    @TearDown(Level.Trial)
    public void stop() {
      actors.close();
    }

    long sendAndAwaitLast() throws InterruptedException {
      for (int i = 1; i < MESSAGES; i++) {
        actor.tell(Count.INSTANCE);
      }
      actor.tell(Flush.INSTANCE);
      return counted.take("the last of " + MESSAGES + " messages to be processed");
    }
  }

  /** The counting actor as the child of a one_for_one Baton supervisor. */
  @State(Scope.Thread)
  public static class BatonChild extends Target {
    @Setup(Level.Trial)
    public void setUp() {
      actors = ActorSystemFixture.start("throughput-baton");
      counted = new HandOff<>();
      ActorRef<Supervisor.Command> supervisor =
          actors.spawn(
              Supervisor.create(
                  SupervisorSpec.oneForOne()
                      .withChild(
                          ChildSpec.worker("counter", () -> CountingWorker.create(counted)))),
              "supervisor");
      List<ChildInfo> children = actors.ask(supervisor, Supervisor.WhichChildren::new);
      actor = children.get(0).childAs(Command.class);
    }
  }

  /** The counting actor spawned bare. */
  @State(Scope.Thread)
  public static class PekkoActor extends Target {
    @Setup(Level.Trial)
    public void setUp() {
      actors = ActorSystemFixture.start("throughput-pekko");
      counted = new HandOff<>();
      actor = actors.spawn(CountingWorker.create(counted), "counter");
    }
  }

  @Benchmark
  @OperationsPerInvocation(MESSAGES)
  public long baton(BatonChild target) throws InterruptedException {
    return target.sendAndAwaitLast();
  }

  @Benchmark
  @OperationsPerInvocation(MESSAGES)
  public long pekko(PekkoActor target) throws InterruptedException {
    return target.sendAndAwaitLast();
  }
}
