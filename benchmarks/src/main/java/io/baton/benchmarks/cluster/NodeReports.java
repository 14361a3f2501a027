package io.baton.benchmarks.cluster;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * What a benchmark node JVM ({@link BatonBenchNode}, {@link StockBenchNode}) tells the driver that
 * started it, one line each on standard output, prefixed {@value #PREFIX}: {@code HTTP <port>}
 * once its HTTP endpoint listens, {@code MEMBERS-UP <n>} whenever the number of Up members it sees
 * changes. Also the node's tie to its parent: with {@value #EXIT_WITH_PARENT} on its command line
 * the node halts when the driver's process exits, however it exits.
 */
final class NodeReports {

  /** The prefix of every report line. */
  static final String PREFIX = "BENCH-NODE ";

  /** The flag that ties a node's life to its parent's. */
  static final String EXIT_WITH_PARENT = "--exit-with-parent";

  private static final Duration WATCH_INTERVAL = Duration.ofMillis(200);

  private NodeReports() {}

  static void report(String line) {
    System.out.println(PREFIX + line);
    System.out.flush();
  }

  /** Halts this JVM when its parent process exits (the driver died or was killed). */
  static void exitWithParent() {
    ProcessHandle.current().parent().ifPresent(parent ->
        parent.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
  }

  /** Reports the number of Up members whenever it changes; halts when the system terminates. */
  static void watch(ActorSystem<?> system) {
    Cluster cluster = Cluster.get(system);
    AtomicInteger members = new AtomicInteger(-1);
    system.scheduler().scheduleWithFixedDelay(WATCH_INTERVAL, WATCH_INTERVAL, () -> {
      int up = 0;
      for (var member : cluster.state().getMembers()) {
        if (member.status() == MemberStatus.up()) {
          up++;
        }
      }
      if (members.getAndSet(up) != up) {
        report("MEMBERS-UP " + up);
      }
    }, system.executionContext());
    system.getWhenTerminated().thenRun(() -> Runtime.getRuntime().halt(2));
  }
}
