/**
 * JMH benchmarks of Baton's supervision, each against stock Pekko doing the same job in the same
 * run, so that the ratio between the two, not the absolute number, is the result.
 *
 * <h2>What is compared</h2>
 * <ul>
 *   <li>{@link io.baton.benchmarks.supervision.RestartLatencyBenchmark}: from the crash of a
 *       one_for_one child to the moment its new incarnation answers a request; Pekko's baseline is
 *       {@code Behaviors.supervise(...).onFailure(SupervisorStrategy.restart())}.
 *   <li>{@link io.baton.benchmarks.supervision.OneForAllRestartBenchmark}: from the crash of one of
 *       1,000 children of a one_for_all supervisor until all 1,000 new incarnations have started;
 *       Pekko's baseline is a plain parent that watches its children and, when one fails, stops
 *       the others and respawns all of them.
 *   <li>{@link io.baton.benchmarks.supervision.SupervisedThroughputBenchmark}: messages per second
 *       through a child of a Baton supervisor against a bare Pekko actor.
 * </ul>
 *
 * <h2>Rules that keep the comparison fair</h2>
 * <ul>
 *   <li>Both sides run the same actor code ({@link io.baton.benchmarks.supervision.CrashableWorker},
 *       {@link io.baton.benchmarks.supervision.CountingWorker}) on an actor system with Pekko's
 *       default dispatcher settings ({@link io.baton.benchmarks.supervision.ActorSystemFixture}).
 *   <li>The benchmark thread waits on a blocking {@link
 *       io.baton.benchmarks.supervision.HandOff}, completed by a tiny actor; both sides pay this
 *       hand-off, and {@code RestartLatencyBenchmark.handOffFloor} measures it alone.
 *   <li>The crash is one preallocated exception without a stack trace, so that neither side is
 *       measured filling in stack traces.
 *   <li>Failure logging is off on both sides: Pekko's with {@code withLoggingEnabled(false)},
 *       Baton's per-restart WARN line by the level in {@code logback.xml}, which explains how to
 *       turn it on. Baton still publishes every {@code SupervisorReport} on the event stream.
 *   <li>Restart intensities are set so high that no supervisor ever gives up during a run.
 * </ul>
 *
 * <p>Run them all with {@code benchmarks/run-supervision.sh}, which writes the JMH JSON and a
 * markdown table of ratios to {@code benchmarks/results/}.
 */
package io.baton.benchmarks.supervision;
