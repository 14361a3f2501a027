package io.baton.benchmarks.supervision;

import io.baton.benchmarks.supervision.CrashableWorker.Announced;
import io.baton.benchmarks.supervision.CrashableWorker.Command;
import io.baton.benchmarks.supervision.CrashableWorker.Crash;
import io.baton.benchmarks.supervision.CrashableWorker.Observation;
import io.baton.supervision.ChildSpec;
import io.baton.supervision.Supervisor;
import io.baton.supervision.SupervisorSpec;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Crash-to-answering latency of a restarted child: the benchmark thread crashes the worker with a
 * message, the worker's next incarnation announces itself to an {@link IncarnationProbe} as it
 * starts, the probe pings it, and the answer is handed back to the benchmark thread. One operation
 * is that whole path; SampleTime reports its distribution (p50, p99).
 *
 * <ul>
 *   <li>{@link #baton}: the worker is the only child of a one_for_one Baton supervisor; the
 *       restart goes through the supervisor (death watch, restart window, event-stream reports,
 *       spawn of a new actor, start notice).
 *   <li>{@link #pekko}: the worker under {@code Behaviors.supervise(...).onFailure(restart())},
 *       Pekko's in-place restart of the same actor, failure logging off.
 *   <li>{@link #handOffFloor}: the path without the crash (the probe is told the current worker
 *       was announced): what the measurement itself costs, part of both numbers above.
 * </ul>
 *
 * <p>The numbers are not expected to grow with the number of restarts: each run makes hundreds of
 * thousands, all inside the supervisor's one-second restart window.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RestartLatencyBenchmark {

  /**
   * Restarts allowed per {@link #PERIOD}: far above the ~10^5 a second this machine can do, so the
   * supervisor never gives up, while its window still records and prunes every restart as it does
   * in production. ({@code SupervisorSpec} accepts any intensity of 0 or more.)
   */
  static final int INTENSITY = 1_000_000_000;

  static final Duration PERIOD = Duration.ofSeconds(1);

  /** A supervised worker, the probe that sees its incarnations, and the latest incarnation. */
  abstract static class SupervisedWorker {
    ActorSystemFixture actors;
    HandOff<ActorRef<Command>> answered;
    ActorRef<Observation> probe;
    ActorRef<Command> current;

    /** The behaviour that runs the worker under supervision, reporting to {@code probe}. */
    abstract Behavior<?> supervised(ActorRef<Observation> probe);

    void start(String systemName) throws InterruptedException {
      actors = ActorSystemFixture.start(systemName);
      answered = new HandOff<>();
      probe = actors.spawn(IncarnationProbe.create(answered), "probe");
      actors.spawn(supervised(probe), "supervised");
      current = answered.take("the first incarnation of the worker to answer");
    }

    ActorRef<Command> crashAndAwaitAnswer() throws InterruptedException {
      current.tell(Crash.INSTANCE);
      current = answered.take("the restarted worker to answer");
      return current;
    }

    @TearDown(Level.Trial)
    public void stop() {
      actors.close();
    }
  }

  /** The worker as the only child of a one_for_one Baton supervisor. */
  @State(Scope.Thread)
  public static class BatonOneForOne extends SupervisedWorker {
    @Setup(Level.Trial)
    public void setUp() throws InterruptedException {
      start("restart-latency-baton");
    }

    @Override
    Behavior<?> supervised(ActorRef<Observation> probe) {
      return Supervisor.create(
          SupervisorSpec.oneForOne()
              .withIntensity(INTENSITY, PERIOD)
              .withChild(ChildSpec.worker("worker", () -> CrashableWorker.create(0, probe))));
    }
  }

  /** The worker under Pekko's restart strategy, failure logging off. */
  @State(Scope.Thread)
  public static class PekkoRestart extends SupervisedWorker {
    @Setup(Level.Trial)
    public void setUp() throws InterruptedException {
      start("restart-latency-pekko");
    }

    @Override
    Behavior<?> supervised(ActorRef<Observation> probe) {
      return Behaviors.supervise(CrashableWorker.create(0, probe))
          .onFailure(SupervisorStrategy.restart().withLoggingEnabled(false));
    }
  }

  @Benchmark
  public ActorRef<Command> baton(BatonOneForOne worker) throws InterruptedException {
    return worker.crashAndAwaitAnswer();
  }

  @Benchmark
  public ActorRef<Command> pekko(PekkoRestart worker) throws InterruptedException {
    return worker.crashAndAwaitAnswer();
  }

  @Benchmark
  public ActorRef<Command> handOffFloor(PekkoRestart worker) throws InterruptedException {
    worker.probe.tell(new Announced(0, worker.current));
    return worker.answered.take("the worker to answer");
  }
}
