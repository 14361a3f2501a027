package io.baton.benchmarks.supervision;

import io.baton.benchmarks.supervision.CrashableWorker.Command;
import io.baton.benchmarks.supervision.CrashableWorker.Crash;
import io.baton.benchmarks.supervision.CrashableWorker.Observation;
import io.baton.supervision.ChildSpec;
import io.baton.supervision.Supervisor;
import io.baton.supervision.SupervisorSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time to restart a whole group: one of {@code children} workers crashes, and the operation ends
 * when every one of the group's new incarnations has announced its start to a {@link
 * GroupStartCounter}.
 *
 * <ul>
 *   <li>{@link #baton}: a one_for_all Baton supervisor. As in OTP it stops the other children one
 *       at a time in reverse start order (shutdown signal, wait for each death), then starts all
 *       of them one at a time in order (each waits for the previous one's start to finish).
 *   <li>{@link #pekko}: a plain Pekko parent that watches its children; when one fails it stops
 *       all the others at once, and when the last has terminated it spawns the whole group again
 *       at once. Waiting for the terminations keeps the one_for_all promise that no old
 *       incarnation outlives the start of the new group; it does not order stops or starts, which
 *       is the extra work Baton's numbers include.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class OneForAllRestartBenchmark {

  /**
   * A group of workers, the counter of their starts, and the next worker to crash. (Annotated as a
   * state only so that JMH accepts the {@code @Param} its subclasses inherit.)
   */
  @State(Scope.Thread)
  public abstract static class WorkerGroup {
    @Param("1000")
    public int children;

    ActorSystemFixture actors;
    HandOff<ActorRef<Command>> groupStarted;
    ActorRef<Command> victim;

    /** The behaviour that starts and supervises the group, each worker reporting to {@code counter}. */
    abstract Behavior<?> supervised(ActorRef<Observation> counter);

    void start(String systemName) throws InterruptedException {
      actors = ActorSystemFixture.start(systemName);
      groupStarted = new HandOff<>();
      ActorRef<Observation> counter =
          actors.spawn(GroupStartCounter.create(children, children / 2, groupStarted), "counter");
      actors.spawn(supervised(counter), "supervised");
      victim = groupStarted.take("the first start of all " + children + " workers");
    }

    ActorRef<Command> crashAndAwaitGroup() throws InterruptedException {
      victim.tell(Crash.INSTANCE);
      victim = groupStarted.take("the restart of all " + children + " workers");
      return victim;
    }

    @TearDown(Level.Trial)
    public void stop() {
      actors.close();
    }
  }

  /** The group as the children of a one_for_all Baton supervisor. */
  @State(Scope.Thread)
  public static class BatonOneForAll extends WorkerGroup {
    @Setup(Level.Trial)
    public void setUp() throws InterruptedException {
      start("one-for-all-baton");
    }

    @Override
    Behavior<?> supervised(ActorRef<Observation> counter) {
      List<ChildSpec> workers =
          IntStream.range(0, children)
              .mapToObj(i -> ChildSpec.worker("w" + i, () -> CrashableWorker.create(i, counter)))
              .toList();
      return Supervisor.create(
          SupervisorSpec.oneForAll()
              .withIntensity(RestartLatencyBenchmark.INTENSITY, RestartLatencyBenchmark.PERIOD)
              .withChildren(workers));
    }
  }

  /** The group as the children of a plain Pekko parent that respawns them all. */
  @State(Scope.Thread)
  public static class PekkoRespawningParent extends WorkerGroup {
    @Setup(Level.Trial)
    public void setUp() throws InterruptedException {
      start("one-for-all-pekko");
    }

    @Override
    Behavior<?> supervised(ActorRef<Observation> counter) {
      return Behaviors.<Void>setup(context -> new RespawningParent(context, children, counter));
    }
  }

  /**
   * Stock Pekko's way to restart a group: death watch, stop the rest, respawn all once the last is
   * gone. Children are stopped, not restarted, on failure, without Pekko logging the failure (as a
   * Baton child is).
   */
  static final class RespawningParent extends AbstractBehavior<Void> {
    private final int size;
    private final ActorRef<Observation> counter;
    private final Set<ActorRef<Command>> alive = new HashSet<>();
    private boolean restarting;

    RespawningParent(ActorContext<Void> context, int size, ActorRef<Observation> counter) {
      super(context);
      this.size = size;
      this.counter = counter;
      spawnAll();
    }

    private void spawnAll() {
      for (int i = 0; i < size; i++) {
        ActorRef<Command> child =
            getContext()
                .spawnAnonymous(
                    Behaviors.supervise(CrashableWorker.create(i, counter))
                        .onFailure(SupervisorStrategy.stop().withLoggingEnabled(false)));
        getContext().watch(child);
        alive.add(child);
      }
    }

    @Override
    public Receive<Void> createReceive() {
      return newReceiveBuilder().onSignal(Terminated.class, this::onTerminated).build();
    }

    private Behavior<Void> onTerminated(Terminated terminated) {
      alive.remove(terminated.getRef());
      if (!restarting) {
        restarting = true;
        for (ActorRef<Command> child : alive) {
          getContext().stop(child);
        }
      }
      if (alive.isEmpty()) {
        restarting = false;
        spawnAll();
      }
      return this;
    }
  }

  @Benchmark
  public ActorRef<Command> baton(BatonOneForAll group) throws InterruptedException {
    return group.crashAndAwaitGroup();
  }

  @Benchmark
  public ActorRef<Command> pekko(PekkoRespawningParent group) throws InterruptedException {
    return group.crashAndAwaitGroup();
  }
}
