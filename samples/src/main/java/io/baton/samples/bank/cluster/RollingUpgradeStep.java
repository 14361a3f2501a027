package io.baton.samples.bank.cluster;

import io.baton.load.LoadSummary;
import io.baton.load.Outcome;
import io.baton.samples.bank.Account;
import io.baton.upgrade.rolling.ClusterProbe;
import io.baton.upgrade.rolling.RollingUpgrade;
import io.baton.upgrade.rolling.UpgradeDeadlines;
import io.baton.upgrade.rolling.UpgradeMode;
import io.baton.upgrade.rolling.UpgradePlan;
import io.baton.upgrade.rolling.UpgradeReport;
import io.baton.upgrade.rolling.UpgradeTarget;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The last step of {@link BankClusterDemo}: a graceful rolling upgrade of every node from bank
 * release 1 to release 2 under the demo's load, run by Baton's {@link RollingUpgrade} over the
 * nodes' operator endpoints, with a {@link DemoNodeController} acting on the demo's processes.
 *
 * <p>It prints the orchestrator's progress as it comes, marks the load's phases {@code upgrade}
 * (at its start) and {@code after} (at its end), and, once every node is upgraded, checks that
 * every node runs release 2 (what the node printed, and its app version in {@code /status}) and
 * that the cluster's active version of {@link Account.State} advanced to 2 (the version gate,
 * {@code /status} field {@code upgrade}). {@link #summary} prints what it saw, with the open-loop
 * figures of the requests intended during the upgrade, and adds a problem for each check that
 * failed and for any request given up during the upgrade.
 *
 * <p>The mode is graceful unless the system property {@value #MODE_PROPERTY} says {@code crash}:
 * then each node is killed with SIGKILL, its ring successor takes its entities over, and it
 * restarts on release 2 (algorithm 4 of the vision: upgrade as a crash). In both modes no request
 * may be given up and no money created or destroyed.
 *
 * <p>Threads: {@link #run} and {@link #summary} on the demo's thread.
 */
final class RollingUpgradeStep {

  /** Generous for 2 shared cores, short enough to stop the demo well within its CI deadline. */
  static final UpgradeDeadlines DEADLINES = UpgradeDeadlines.DEFAULT
      .withDrain(Duration.ofSeconds(60)).withStop(Duration.ofSeconds(40))
      .withStart(Duration.ofSeconds(90)).withCatchUp(Duration.ofSeconds(60))
      .withShards(Duration.ofSeconds(60)).withPoll(Duration.ofMillis(500));

  /** How long the nodes may take to see the active version move to 2 once all run release 2. */
  static final Duration ACTIVE_VERSION = Duration.ofSeconds(30);

  /** The load that runs on after the upgrade, on release 2 alone. */
  static final Duration LOAD_AFTER_UPGRADE = Duration.ofSeconds(3);

  static final String TARGET_APP_VERSION = "2";

  /** The system property that selects the upgrade's mode: {@code graceful} (default) or crash. */
  static final String MODE_PROPERTY = "baton.samples.bank.upgrade-mode";

  private final UpgradeMode mode = modeFromProperty();

  /** The mode {@value #MODE_PROPERTY} asks for; an unknown value fails with what is allowed. */
  static UpgradeMode modeFromProperty() {
    String value = System.getProperty(MODE_PROPERTY, "graceful").trim();
    return switch (value) {
      case "graceful" -> UpgradeMode.GRACEFUL;
      case "crash" -> UpgradeMode.CRASH;
      default -> throw new IllegalArgumentException("-D" + MODE_PROPERTY + "=" + value
          + " is not a mode: use graceful or crash");
    };
  }

  private volatile long startNanos;
  private volatile long endNanos;
  private UpgradeReport report;
  private String skipped;
  private Integer activeBefore;
  private Integer activeAfter;
  private final Map<String, Integer> releases = new LinkedHashMap<>();
  private final Map<String, String> appVersions = new LinkedHashMap<>();
  private final Map<String, Integer> nodesActive = new LinkedHashMap<>();

  /** When the upgrade started ({@link System#nanoTime}), 0 before. */
  long startNanos() {
    return startNanos;
  }

  boolean completed() {
    return report != null && report.completed();
  }

  /** Upgrades every node of {@code demo}, prints the progress and checks the outcome. */
  void run(BankClusterDemo demo) throws InterruptedException {
    PrintStream out = demo.out();
    Optional<Path> v2 = demo.releaseJar(2);
    if (v2.isEmpty()) {
      skipped = "no release-2 jar (" + ReleaseJars.RELEASE_2 + ") next to the running jar; run"
          + " the demo with java -jar samples/target/" + ReleaseJars.RELEASE_1 + " after mvn"
          + " package";
      out.println(">>> rolling upgrade skipped: " + skipped);
      return;
    }
    NodeProcess[] nodes = demo.nodes();
    List<UpgradeTarget> targets = new ArrayList<>();
    for (int i = 0; i < nodes.length; i++) {
      targets.add(new UpgradeTarget(nodes[i].name, demo.opsEndpoint(i)));
    }
    ClusterProbe probe = ClusterProbe.http(Duration.ofSeconds(5),
        java.util.Optional.of(demo.opsToken()));
    activeBefore = accountStateActive(probe, targets);
    out.println(">>> rolling upgrade of all " + nodes.length + " nodes to bank release 2 ("
        + v2.get().getFileName() + "), " + modeName() + ", under the same load");
    UpgradePlan plan = UpgradePlan.of(targets, v2.get().toString(), mode)
        .withExpectedAppVersion(TARGET_APP_VERSION).withDeadlines(DEADLINES);
    demo.markPhase(BankClusterDemo.UPGRADE);
    startNanos = System.nanoTime();
    try {
      report = RollingUpgrade.create(plan, new DemoNodeController(demo.nodeAccess()), probe,
          progress -> out.println(">>> " + progress.render())).run();
    } finally {
      endNanos = System.nanoTime();
      demo.markPhase(BankClusterDemo.AFTER);
    }
    out.println(">>> " + report.render().replace("\n", "\n>>> "));
    if (!report.completed()) {
      return;
    }
    long deadline = System.nanoTime() + ACTIVE_VERSION.toNanos();
    for (NodeProcess node : demo.nodes()) {
      node.await(n -> n.activeVersion() == 2,
          Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
    }
    for (int i = 0; i < nodes.length; i++) {
      NodeProcess node = demo.nodes()[i];
      releases.put(node.name, node.release());
      nodesActive.put(node.name, node.activeVersion());
      try {
        appVersions.put(node.name, probe.status(demo.opsEndpoint(i)).node().appVersion());
      } catch (ClusterProbe.ProbeException e) {
        appVersions.put(node.name, "? (" + e.getMessage() + ")");
      }
    }
    activeAfter = accountStateActive(probe, targets);
    out.printf(">>> every node upgraded in %.1f s; Account.State active at version %s%n",
        (endNanos - startNanos) / 1e9, activeAfter == null ? "?" : activeAfter);
    Thread.sleep(LOAD_AFTER_UPGRADE.toMillis());
  }

  /** Prints the upgrade's lines of the summary; adds a problem for each check that failed. */
  void summary(BankClusterDemo demo, LoadSummary load, List<String> problems) {
    PrintStream out = demo.out();
    if (skipped != null) {
      out.println("upgrade: skipped, " + skipped);
      problems.add("the rolling upgrade did not run: " + skipped);
      return;
    }
    if (report == null) {
      out.println("upgrade: did not start");
      problems.add("the rolling upgrade did not start");
      return;
    }
    double took = (endNanos - startNanos) / 1e9;
    if (report.completed()) {
      out.printf("upgrade: completed, %d of %d nodes from release 1 to release 2, %s, in"
          + " %.1f s (order %s)%n", report.upgraded().size(), report.order().size(), modeName(),
          took, String.join(", ", report.upgraded()));
    } else {
      out.printf("upgrade: STOPPED after %.1f s at %s, phase %s: %s%n", took, report.failedNode(),
          report.failedPhase(), report.seen());
      problems.add("the rolling upgrade stopped at " + report.failedNode() + ", phase "
          + report.failedPhase() + ": " + report.seen());
    }
    load.phase(BankClusterDemo.UPGRADE).ifPresent(phase -> {
      long ok = phase.outcomes().getOrDefault(Outcome.OK, 0L)
          + phase.outcomes().getOrDefault(Outcome.ALREADY_APPLIED, 0L);
      long failed = phase.outcomes().getOrDefault(Outcome.FAILED, 0L);
      out.printf(java.util.Locale.ROOT, "  during the upgrade: %d requests ok, %d failed, %d"
          + " retried; p50 %s, p99 %s, max %s (requests intended during it, from intended"
          + " start)%n", ok, failed, phase.retried(), BankClusterDemo.ms(phase.latency().p50()),
          BankClusterDemo.ms(phase.latency().p99()), BankClusterDemo.ms(phase.latency().max()));
      String slowest = demo.slowest(BankClusterDemo.UPGRADE);
      if (!slowest.isEmpty()) {
        out.println("  slowest request: " + slowest);
      }
      if (failed > 0) {
        problems.add(failed + " request(s) given up during the " + modeName() + " upgrade");
      }
    });
    if (!report.completed()) {
      return;
    }
    boolean allOnTwo = releases.values().stream().allMatch(r -> r == 2)
        && appVersions.values().stream().allMatch(TARGET_APP_VERSION::equals);
    out.println("releases: " + (allOnTwo ? "every node runs release 2" : "NOT every node runs"
        + " release 2") + " (node says " + render(releases) + "; /status app version "
        + render(appVersions) + ")");
    if (!allOnTwo) {
      problems.add("not every node runs release 2: " + render(releases) + ", app versions "
          + render(appVersions));
    }
    boolean advanced = activeAfter != null && activeAfter == 2
        && nodesActive.values().stream().allMatch(v -> v == 2);
    out.println("active version of Account.State: " + (activeAfter == null ? "?" : activeAfter)
        + " (was " + (activeBefore == null ? "?" : activeBefore) + " before the upgrade; nodes"
        + " write at " + render(nodesActive) + ")" + (advanced ? "" : ": NOT ADVANCED"));
    if (!advanced) {
      problems.add("the active version of Account.State did not advance to 2: gate "
          + activeAfter + ", nodes " + render(nodesActive));
    }
  }

  /** The active version of the accounts' state at the version gate, or null if unknown. */
  private static Integer accountStateActive(ClusterProbe probe, List<UpgradeTarget> targets) {
    for (UpgradeTarget target : targets) {
      try {
        List<ClusterProbe.ActiveVersion> versions = probe.activeVersions(target.endpoint());
        if (versions == null) {
          return null;
        }
        for (ClusterProbe.ActiveVersion version : versions) {
          if (version.className().equals(Account.State.class.getName())) {
            return version.active();
          }
        }
        return null;
      } catch (ClusterProbe.ProbeException e) {
        // ask the next node
      }
    }
    return null;
  }

  private static String render(Map<String, ?> values) {
    List<String> parts = new ArrayList<>();
    values.forEach((node, value) -> parts.add(node + " " + value));
    return String.join(", ", parts);
  }

  private String modeName() {
    return mode == UpgradeMode.GRACEFUL ? "graceful" : "by crash (kill -9)";
  }
}
