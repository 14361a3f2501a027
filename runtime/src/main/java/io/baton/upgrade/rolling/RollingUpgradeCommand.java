package io.baton.upgrade.rolling;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code baton-upgrade --nodes host:opsPort,... --jar new.jar --mode graceful|crash
 * --start-command '...' [--resume-from node]}: a {@link RollingUpgrade} of local node processes
 * ({@link ProcessNodeController}), printing each progress event and the final report.
 *
 * <p>Exit status: 0 when every node was upgraded; 1 when a node failed a phase (the report says
 * where and what to do); 2 for a command line it does not understand; 3 when the upgrade was
 * refused before touching any node.
 */
@Command(
    name = "baton-upgrade",
    mixinStandardHelpOptions = true,
    description = "Upgrades the nodes of a cluster to a new jar one at a time, in ring order:"
        + " graceful (drain, stop, start on the new jar, wait healthy and caught up, undrain) or"
        + " crash (SIGKILL, wait for the takeover, start on the new jar, wait healthy and caught"
        + " up). Stops at the first node that fails, leaving the cluster serving, with a report."
        + " A rollback is the same command with the old jar.")
public final class RollingUpgradeCommand implements Callable<Integer> {

  static final int EXIT_OK = 0;
  static final int EXIT_FAILED = 1;
  static final int EXIT_USAGE = 2;
  static final int EXIT_REFUSED = 3;

  @Spec CommandSpec spec;

  @Option(names = "--nodes", required = true, paramLabel = "NODES", split = ",",
      description = "The nodes to upgrade: the operator endpoint of each, host:port"
          + " (baton.ops.host/port), optionally named: name=host:port. Upgraded in ring order.")
  List<String> nodes;

  @Option(names = "--jar", required = true, paramLabel = "JAR",
      description = "The new jar: replaces {jar} in --start-command.")
  String jar;

  @Option(names = "--mode", paramLabel = "MODE", defaultValue = "graceful",
      description = "graceful (drain first: no failed request) or crash (SIGKILL, let the"
          + " successor take over). Default: ${DEFAULT-VALUE}.")
  String mode;

  @Option(names = "--start-command", required = true, paramLabel = "COMMAND",
      description = "The shell command that starts one node, with {jar} for the jar and {node}"
          + " for the node's name, e.g. 'java -Dbaton.ops.enabled=on -jar {jar} bank-node"
          + " --name={node} ...'.")
  String startCommand;

  @Option(names = "--pid-file", paramLabel = "TEMPLATE",
      description = "Where each node's PID is kept, {node} for its name, e.g."
          + " /var/run/baton/{node}.pid: read to stop a node this command did not start, written"
          + " when it starts one.")
  String pidFile;

  @Option(names = "--log-dir", paramLabel = "DIR", defaultValue = "baton-upgrade-logs",
      description = "Where the output of the started nodes goes (<node>.log)."
          + " Default: ${DEFAULT-VALUE}.")
  Path logDirectory;

  @Option(names = "--resume-from", paramLabel = "NODE",
      description = "Start from this node (its name or host:port) after a stopped run; the nodes"
          + " before it in ring order are taken as done.")
  String resumeFrom;

  @Option(names = "--expect-app-version", paramLabel = "VERSION",
      description = "Fail a node whose new process reports another baton.node.app-version.")
  String expectAppVersion;

  @Option(names = "--rollback",
      description = "--jar is the previous release: refuse to start when the cluster's version"
          + " gate has advanced past what it reads (GET /status, field upgrade).")
  boolean rollback;

  @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "5m",
      converter = io.baton.ops.StatusCommand.DurationConverter.class, description = "Default: ${DEFAULT-VALUE}.")
  Duration drainTimeout;

  @Option(names = "--stop-timeout", paramLabel = "DURATION", defaultValue = "2m",
      converter = io.baton.ops.StatusCommand.DurationConverter.class,
      description = "SIGTERM to SIGKILL, and the wait for the cluster to see the node gone."
          + " Default: ${DEFAULT-VALUE}.")
  Duration stopTimeout;

  @Option(names = "--start-timeout", paramLabel = "DURATION", defaultValue = "3m",
      converter = io.baton.ops.StatusCommand.DurationConverter.class,
      description = "For the new process to be Up and healthy. Default: ${DEFAULT-VALUE}.")
  Duration startTimeout;

  @Option(names = "--catch-up-timeout", paramLabel = "DURATION", defaultValue = "5m",
      converter = io.baton.ops.StatusCommand.DurationConverter.class, description = "Default: ${DEFAULT-VALUE}.")
  Duration catchUpTimeout;

  @Option(names = "--shards-timeout", paramLabel = "DURATION", defaultValue = "2m",
      converter = io.baton.ops.StatusCommand.DurationConverter.class,
      description = "For the node to host shards again. Default: ${DEFAULT-VALUE}.")
  Duration shardsTimeout;

  @Option(names = "--poll-interval", paramLabel = "DURATION", defaultValue = "1s",
      converter = io.baton.ops.StatusCommand.DurationConverter.class, description = "Default: ${DEFAULT-VALUE}.")
  Duration pollInterval;

  @Option(names = "--request-timeout", paramLabel = "DURATION", defaultValue = "10s",
      converter = io.baton.ops.StatusCommand.DurationConverter.class,
      description = "For one answer of an operator endpoint. Default: ${DEFAULT-VALUE}.")
  Duration requestTimeout;

  @picocli.CommandLine.Mixin io.baton.ops.TokenOption tokens;

  public static void main(String[] args) {
    System.exit(new CommandLine(new RollingUpgradeCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    UpgradeMode upgradeMode;
    UpgradePlan plan;
    ProcessNodeController controller;
    ClusterProbe probe;
    try {
      probe = ClusterProbe.http(requestTimeout, tokens.token());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    try {
      upgradeMode = parseMode(mode);
      controller = new ProcessNodeController(startCommand, pidFile, logDirectory);
      UpgradeDeadlines deadlines = new UpgradeDeadlines(drainTimeout, stopTimeout, startTimeout,
          catchUpTimeout, shardsTimeout, pollInterval);
      plan = new UpgradePlan(targets(nodes, probe), jar, upgradeMode, resumeFrom,
          expectAppVersion, deadlines, rollback);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    out.println("rolling upgrade (" + upgradeMode.name().toLowerCase(Locale.ROOT) + ") of "
        + plan.targets().size() + " node(s) to " + jar);
    out.flush();
    long started = System.nanoTime();
    UpgradeReport report = RollingUpgrade.create(plan, controller, probe, progress -> {
      // Seconds since the command started first, so an operator sees how long each phase takes.
      out.println(String.format(Locale.ROOT, "%7.1f s ", (System.nanoTime() - started) / 1e9)
          + progress.render());
      out.flush();
    }).run();
    (report.completed() ? out : err).println(report.render());
    out.flush();
    err.flush();
    return switch (report.outcome()) {
      case COMPLETED -> EXIT_OK;
      case FAILED -> EXIT_FAILED;
      case REFUSED -> EXIT_REFUSED;
    };
  }

  static UpgradeMode parseMode(String value) {
    try {
      return UpgradeMode.valueOf(value.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--mode '" + value + "' is not allowed: write graceful"
          + " or crash");
    }
  }

  /**
   * The targets of {@code --nodes}: {@code name=host:port}, or {@code host:port} named by what its
   * endpoint reports (by its {@code host:port} when it does not answer).
   */
  static List<UpgradeTarget> targets(List<String> entries, ClusterProbe probe) {
    List<UpgradeTarget> targets = new ArrayList<>();
    for (String entry : entries) {
      String text = entry.strip();
      int equals = text.indexOf('=');
      if (equals > 0) {
        targets.add(new UpgradeTarget(text.substring(0, equals), text.substring(equals + 1)));
        continue;
      }
      String name = text;
      try {
        new UpgradeTarget(text, text); // validates the endpoint first
        name = probe.status(text).node().name();
      } catch (ClusterProbe.ProbeException e) {
        // does not answer: named by its endpoint; the upgrade decides whether that is allowed
      }
      targets.add(new UpgradeTarget(name, text));
    }
    return targets;
  }
}
