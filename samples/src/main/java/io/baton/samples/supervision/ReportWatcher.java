package io.baton.samples.supervision;

import io.baton.process.ExitReason;
import io.baton.supervision.SupervisorReport;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Watches a supervision tree through its {@link SupervisorReport}s: prints each report as one line
 * the moment it arrives, and lets the demo thread wait for the reports it expects.
 *
 * <p>Each report has a <em>key</em>, a short stable label such as {@code "root/payments: ledger
 * started #2"}: the supervisor's place in the tree, the child and what happened. {@link #expect}
 * compares keys, so the demo's script reads as the reports it waits for.
 *
 * <h2>Threads</h2>
 * The {@link #behavior} actor appends to {@code unread} and {@code history}; the demo thread takes
 * from {@code unread}. Both are concurrent collections, and a report is printed before it is
 * queued, so a line the demo prints after {@link #expect} returns comes after the reports it
 * waited for.
 */
final class ReportWatcher {

  private final PrintStream out;
  private final BlockingQueue<SupervisorReport> unread = new LinkedBlockingQueue<>();
  private final List<SupervisorReport> history = new CopyOnWriteArrayList<>();

  ReportWatcher(PrintStream out) {
    this.out = out;
  }

  /** The actor to subscribe to {@code SupervisorReport} on the event stream. */
  Behavior<SupervisorReport> behavior() {
    return Behaviors.receiveMessage(
        report -> {
          arrived(report);
          return Behaviors.same();
        });
  }

  private void arrived(SupervisorReport report) {
    out.println("  report  " + key(report) + detail(report));
    history.add(report);
    unread.add(report);
  }

  /** Every report seen so far, in arrival order. */
  List<SupervisorReport> history() {
    return List.copyOf(history);
  }

  /**
   * Waits until the next reports have exactly the {@code expected} keys, in this order, all
   * within {@code deadline}; returns them.
   *
   * @throws DemoStepFailed naming {@code step}, on the first report that differs or when the
   *     deadline passes first
   */
  List<SupervisorReport> expect(String step, Duration deadline, List<String> expected)
      throws DemoStepFailed {
    long deadlineNanos = System.nanoTime() + deadline.toNanos();
    List<SupervisorReport> seen = new ArrayList<>(expected.size());
    for (String want : expected) {
      SupervisorReport report;
      try {
        report = unread.poll(deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DemoStepFailed("step " + step + " was interrupted waiting for '" + want + "'", e);
      }
      if (report == null) {
        throw new DemoStepFailed(
            "step " + step + ": expected report '" + want + "' within " + deadline.toMillis()
                + " ms, but none came (this step saw " + keys(seen) + "). The supervision tree"
                + " did not do what the demo expects; see the reports above and the log.");
      }
      if (!key(report).equals(want)) {
        throw new DemoStepFailed(
            "step " + step + ": expected report '" + want + "' but got '" + key(report)
                + detail(report) + "' (this step saw " + keys(seen) + " before it). The"
                + " supervision tree did not do what the demo expects; see the reports above and"
                + " the log.");
      }
      seen.add(report);
    }
    return seen;
  }

  private static List<String> keys(List<SupervisorReport> reports) {
    return reports.stream().map(ReportWatcher::key).toList();
  }

  /** The report's stable label, e.g. {@code "root/payments: ledger crashed"}. */
  static String key(SupervisorReport report) {
    String where = treePath(report.supervisor()) + ": ";
    if (report instanceof SupervisorReport.ChildStarted r) {
      return where + r.childId() + " started #" + r.incarnation();
    } else if (report instanceof SupervisorReport.ChildExited r) {
      return where + r.childId() + (isCrash(r.reason()) ? " crashed" : " exited " + label(r.reason()));
    } else if (report instanceof SupervisorReport.ChildStopped r) {
      return where + r.childId() + " stopped";
    } else if (report instanceof SupervisorReport.ShutdownError r) {
      return where + r.childId() + " did not stop cleanly";
    } else if (report instanceof SupervisorReport.StartError r) {
      return where + r.childId() + " failed to start";
    } else if (report instanceof SupervisorReport.MaxIntensityReached) {
      return where + "max restart intensity reached";
    } else if (report instanceof SupervisorReport.AutoShutdownTriggered r) {
      return where + "auto shutdown after " + r.childId() + " exited";
    } else if (report instanceof SupervisorReport.SupervisorExited r) {
      return where + "supervisor exited " + label(r.reason());
    }
    throw new IllegalArgumentException("unknown supervisor report " + report);
  }

  /** What the key leaves out: the reason of a crash or an unexpected stop, the intensity. */
  private static String detail(SupervisorReport report) {
    ExitReason reason = null;
    if (report instanceof SupervisorReport.ChildExited r) {
      reason = isCrash(r.reason()) ? r.reason() : null; // the key says how else it exited
    } else if (report instanceof SupervisorReport.ChildStopped r) {
      reason = r.reason().equals(ExitReason.shutdown()) ? null : r.reason();
    } else if (report instanceof SupervisorReport.ShutdownError r) {
      reason = r.reason();
    } else if (report instanceof SupervisorReport.StartError r) {
      reason = r.reason();
    } else if (report instanceof SupervisorReport.MaxIntensityReached r) {
      return " (more than " + r.intensity() + " restarts in " + readable(r.period()) + ")";
    }
    return reason != null && isCrash(reason) ? " (" + crashDetail(reason) + ")"
        : reason != null ? " (" + label(reason) + ")" : "";
  }

  static String readable(Duration duration) {
    return duration.toMillisPart() == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
  }

  static boolean isCrash(ExitReason reason) {
    return reason instanceof ExitReason.Abnormal;
  }

  private static String crashDetail(ExitReason reason) {
    ExitReason.Abnormal crash = (ExitReason.Abnormal) reason;
    String type = crash.errorType().substring(crash.errorType().lastIndexOf('.') + 1);
    return crash.message() == null ? type : type + ": " + crash.message();
  }

  private static String label(ExitReason reason) {
    if (reason instanceof ExitReason.Normal) {
      return "normal";
    } else if (reason instanceof ExitReason.Shutdown s) {
      return s.term() == null ? "shutdown" : "shutdown (" + s.term() + ")";
    } else if (reason instanceof ExitReason.Killed) {
      return "killed";
    } else if (reason instanceof ExitReason.NoProc) {
      return "noproc";
    } else if (reason instanceof ExitReason.NodeDown n) {
      return "nodedown " + n.address();
    } else if (reason instanceof ExitReason.Abnormal) {
      return "crashed";
    }
    return reason.toString();
  }

  /**
   * An actor's place in the tree, from its path: {@code /user/root} becomes {@code root}, and a
   * child of that root supervisor, {@code /system/baton-tree-1-root/payments-3}, becomes {@code
   * root/payments} (a root supervisor runs its tree as the system actor {@code
   * baton-tree-<n>-<root's name>}). A Baton supervisor names each child actor {@code <child
   * id>-<number>}; the number is dropped so that a restarted supervisor keeps its name.
   */
  static String treePath(ActorRef<?> ref) {
    List<String> names = new ArrayList<>();
    for (String element : ref.path().getElements()) {
      names.add(element.replaceFirst("-\\d+$", ""));
    }
    if (!names.isEmpty() && names.get(0).equals("user")) {
      names.remove(0);
    } else if (names.size() >= 2 && names.get(0).equals("system")
        && names.get(1).matches("baton-tree-\\d+-.+")) {
      names.set(1, names.get(1).replaceFirst("baton-tree-\\d+-", ""));
      names.remove(0);
    }
    return String.join("/", names);
  }
}
