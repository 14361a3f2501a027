package io.baton.supervision;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.baton.process.ExitReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;

/** Reads a supervisor's reports off the event stream as short lines, in order. */
final class Reports {

  private final TestProbe<SupervisorReport> probe;
  private ActorRef<?> supervisor;

  Reports(ActorTestKit kit) {
    this(kit, kit.system());
  }

  /** Reads the reports of {@code observed}'s supervisors with a probe of {@code kit}. */
  Reports(ActorTestKit kit, org.apache.pekko.actor.typed.ActorSystem<?> observed) {
    probe = kit.createTestProbe(SupervisorReport.class);
    SupervisorReports.subscribe(observed, probe.ref());
  }

  /** Only reports of this supervisor count from now on. */
  Reports of(ActorRef<?> supervisor) {
    this.supervisor = supervisor;
    return this;
  }

  /** The next {@code lines.length} reports of the supervisor are exactly these, in this order. */
  void expect(String... lines) {
    List<String> seen = new ArrayList<>();
    while (seen.size() < lines.length) {
      SupervisorReport report = probe.receiveMessage(Duration.ofSeconds(10));
      if (supervisor == null || report.supervisor().equals(supervisor)) {
        seen.add(describe(report));
      }
    }
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.endsWith("*") && seen.get(i).startsWith(line.substring(0, line.length() - 1))) {
        seen.set(i, line);
      }
    }
    assertEquals(List.of(lines), seen);
  }

  /** The next report of the supervisor, as a line. */
  String next() {
    while (true) {
      SupervisorReport report = probe.receiveMessage(Duration.ofSeconds(10));
      if (supervisor == null || report.supervisor().equals(supervisor)) {
        return describe(report);
      }
    }
  }

  /** No report of the supervisor arrives within a short while. */
  void expectNone() {
    probe.expectNoMessage(Duration.ofMillis(300));
  }

  static String describe(SupervisorReport report) {
    if (report instanceof SupervisorReport.ChildStarted r) {
      return "started " + r.childId();
    } else if (report instanceof SupervisorReport.ChildExited r) {
      return "exited " + r.childId() + ":" + describe(r.reason());
    } else if (report instanceof SupervisorReport.ChildStopped r) {
      return "stopped " + r.childId() + ":" + describe(r.reason());
    } else if (report instanceof SupervisorReport.ShutdownError r) {
      return "shutdown_error " + r.childId() + ":" + describe(r.reason());
    } else if (report instanceof SupervisorReport.StartError r) {
      return "start_error " + r.childId();
    } else if (report instanceof SupervisorReport.MaxIntensityReached) {
      return "reached_max_restart_intensity";
    } else if (report instanceof SupervisorReport.AutoShutdownTriggered r) {
      return "auto_shutdown " + r.childId();
    } else if (report instanceof SupervisorReport.SupervisorExited r) {
      return "supervisor_exited:" + describe(r.reason());
    }
    return report.toString();
  }

  static String describe(ExitReason reason) {
    if (reason instanceof ExitReason.Normal) {
      return "normal";
    } else if (reason instanceof ExitReason.Shutdown s) {
      return s.term() == null ? "shutdown" : "{shutdown," + s.term() + "}";
    } else if (reason instanceof ExitReason.Killed) {
      return "killed";
    } else if (reason instanceof ExitReason.Kill) {
      return "kill";
    } else if (reason instanceof ExitReason.NoProc) {
      return "noproc";
    } else if (reason instanceof ExitReason.NodeDown) {
      return "nodedown";
    } else if (reason instanceof ExitReason.Abnormal a) {
      return a.message();
    } else if (reason instanceof ExitReason.FailedToStartChild f) {
      return "{shutdown,{failed_to_start_child," + f.childId() + "," + describe(f.cause()) + "}}";
    }
    return reason.toString();
  }
}
