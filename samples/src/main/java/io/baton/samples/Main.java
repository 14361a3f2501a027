package io.baton.samples;

import io.baton.ops.DrainCommand;
import io.baton.ops.StatusCommand;
import io.baton.ops.UndrainCommand;
import io.baton.upgrade.rolling.RollingUpgradeCommand;
import io.baton.ops.UpgradeHoldCommand;
import io.baton.ops.UpgradeReleaseCommand;
import io.baton.samples.bank.cluster.BankClusterDemo;
import io.baton.samples.bank.cluster.BankNode;
import io.baton.samples.bank.cluster.ClusterDemoFailed;
import io.baton.samples.bank.cluster.LoadPlan;
import io.baton.samples.bank.load.OpenLoadCommand;
import io.baton.samples.supervision.DemoStepFailed;
import io.baton.samples.supervision.SupervisionDemo;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Entry point of the samples jar: {@code java -jar baton-samples-all.jar [sample]}, and the
 * operator commands {@code status}, {@code drain}, {@code undrain}, {@code upgrade}, {@code
 * upgrade-hold} and {@code upgrade-release} ({@link StatusCommand}, {@link DrainCommand}, {@link
 * UndrainCommand}, {@link RollingUpgradeCommand}, {@link UpgradeHoldCommand}, {@link
 * UpgradeReleaseCommand}) for nodes that serve the operator endpoint.
 *
 * <p>Exit status: 0 when the sample ran and saw everything it expected; 1 when it did not (the
 * reason is printed on standard error); 2 for a command line it does not understand. The
 * operator commands exit as their classes document.
 */
public final class Main {

  /** The sample run when none is named. */
  static final String SUPERVISION_DEMO = "supervision-demo";

  /** Three node JVMs, transfers under load, one node killed with SIGKILL and restarted. */
  static final String BANK_CLUSTER = "bank-cluster";

  /** N node JVMs under a load of transfers for a while, optionally killing one: {@link LoadPlan}. */
  static final String BANK_LOAD = "bank-load";

  /** The bank's open-loop workload against running nodes: {@link OpenLoadCommand}. */
  static final String OPEN_LOAD = "open-load";

  /** One node of the bank cluster, as {@link #BANK_CLUSTER} starts it; takes node flags. */
  public static final String BANK_NODE = "bank-node";

  static final int EXIT_OK = 0;
  static final int EXIT_SAMPLE_FAILED = 1;
  static final int EXIT_USAGE = 2;

  /** The operator commands, by the name that follows the jar: each a picocli command. */
  static final Map<String, Supplier<Callable<Integer>>> OPERATOR_COMMANDS = Map.of(
      "status", StatusCommand::new,
      "drain", DrainCommand::new,
      "undrain", UndrainCommand::new,
      "upgrade", RollingUpgradeCommand::new,
      "upgrade-hold", UpgradeHoldCommand::new,
      "upgrade-release", UpgradeReleaseCommand::new,
      OPEN_LOAD, OpenLoadCommand::new);

  /** Not an exit status: the sample started a node that runs on until it is killed. */
  static final int EXIT_RUNNING = -1;

  private Main() {}

  public static void main(String[] args) {
    // Start logging before Pekko's threads race to: SLF4J would otherwise queue their first log
    // calls during its initialisation and print a warning about replaying them.
    LoggerFactory.getILoggerFactory();
    int status = run(List.of(args), System.out, System.err);
    if (status != EXIT_RUNNING) {
      System.exit(status);
    }
  }

  /** Runs the sample {@code args} name and answers the exit status; prints to out and err. */
  static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.size() == 1 && List.of("-h", "--help", "help").contains(args.get(0))) {
      usage(out);
      return EXIT_OK;
    }
    if (!args.isEmpty() && OPERATOR_COMMANDS.containsKey(args.get(0))) {
      PrintWriter outWriter = new PrintWriter(out, true);
      PrintWriter errWriter = new PrintWriter(err, true);
      CommandLine command = new CommandLine(OPERATOR_COMMANDS.get(args.get(0)).get())
          .setCommandName(args.get(0))
          .setOut(outWriter)
          .setErr(errWriter);
      int status = command.execute(args.subList(1, args.size()).toArray(String[]::new));
      outWriter.flush();
      errWriter.flush();
      return status;
    }
    if (!args.isEmpty() && args.get(0).equals(BANK_NODE)) {
      try {
        BankNode.start(args.subList(1, args.size()), out);
        return EXIT_RUNNING;
      } catch (Exception e) {
        err.println("bank-node could not start: " + e.getMessage());
        return EXIT_USAGE;
      }
    }
    if (!args.isEmpty() && args.get(0).equals(BANK_LOAD)) {
      LoadPlan plan;
      try {
        plan = LoadPlan.parse(args.subList(1, args.size()));
      } catch (IllegalArgumentException e) {
        err.println("bank-load: " + e.getMessage());
        usage(err);
        return EXIT_USAGE;
      }
      return runCluster(plan, out, err);
    }
    if (args.size() > 1 || (args.size() == 1 && !args.get(0).equals(SUPERVISION_DEMO)
        && !args.get(0).equals(BANK_CLUSTER))) {
      err.println("unknown arguments " + args + ": expected no argument or one sample name");
      usage(err);
      return EXIT_USAGE;
    }
    if (args.size() == 1 && args.get(0).equals(BANK_CLUSTER)) {
      // -Dbaton.samples.bank.upgrade=off: the demo without its rolling upgrade to release 2.
      return runCluster(LoadPlan.DEMO.withUpgrade(
          !"off".equals(System.getProperty("baton.samples.bank.upgrade"))), out, err);
    }
    try {
      SupervisionDemo.run(out);
      return EXIT_OK;
    } catch (DemoStepFailed e) {
      out.flush();
      err.println("DEMO FAILED: " + e.getMessage());
      if (e.getCause() != null) {
        err.println("  caused by: " + e.getCause());
      }
      return EXIT_SAMPLE_FAILED;
    }
  }

  private static int runCluster(LoadPlan plan, PrintStream out, PrintStream err) {
    try {
      BankClusterDemo.run(out, plan);
      return EXIT_OK;
    } catch (ClusterDemoFailed e) {
      out.flush();
      err.println("CLUSTER DEMO FAILED: " + e.getMessage());
      if (e.getCause() != null) {
        err.println("  caused by: " + e.getCause());
      }
      return EXIT_SAMPLE_FAILED;
    }
  }

  private static void usage(PrintStream to) {
    to.println("usage: java -jar baton-samples-all.jar [sample]");
    to.println("samples:");
    to.println("  " + SUPERVISION_DEMO + "  (default) a supervision tree that crashes, restarts,"
        + " escalates and stops in order");
    to.println("  " + BANK_CLUSTER + "      three bank nodes under an open-loop load ("
        + rate(LoadPlan.DEFAULT_TRANSFER_RATE) + " transfers/s, "
        + rate(LoadPlan.DEFAULT_ACCOUNT_RATE) + " deposits and withdrawals/s); node1, the oldest,"
        + " is killed with kill -9 and restarted, then all three are upgraded to bank release 2, one at a time; no"
        + " request is given up, every saga ends, no money is created or destroyed");
    to.println("  " + BANK_LOAD + " [--nodes=N] [--duration=D] [--transfer-rate=R]"
        + " [--account-rate=R] [--kill[=nodeK]] [--upgrade]  N bank nodes (default 3) under an"
        + " open-loop load (default " + rate(LoadPlan.DEFAULT_TRANSFER_RATE)
        + " transfers/s and " + rate(LoadPlan.DEFAULT_ACCOUNT_RATE)
        + " deposits and withdrawals/s) for D"
        + " (default 60s); --kill kills node1 (the oldest; or nodeK) with kill -9 and restarts"
        + " it; --upgrade upgrades every node to bank release 2 under the load");
    to.println("  " + BANK_NODE + " <flags>  one node of that cluster (--cluster-name, --name,"
        + " --host, --port, --seed, --data-dir, --http-port; --exit-when-serving stops it once it"
        + " serves)");
    to.println("  " + OPEN_LOAD + " --targets=http://host:port,... [--duration=60s]"
        + " [--transfer-rate=70] [--account-rate=30] [--accounts=48] [--history=FILE]"
        + " [--attempt-timeout=1.5s] [--give-up=10s]");
    to.println("             open-loop bank load over running nodes' HTTP entry points: fixed"
        + " arrival rates, latency from intended start, history, saga and money checks");
    to.println("operator commands (for a node started with -Dbaton.ops.enabled=on):");
    to.println("  status [--node host:port] [--json]       the node's view of the cluster");
    to.println("  drain <node> [--via host:port] [--wait]  move every shard off a node");
    to.println("  undrain <node> [--via host:port]         give it its share back");
    to.println("  upgrade --nodes host:port,... --jar new.jar --start-command '...'"
        + " [--mode graceful|crash] [--resume-from node]");
    to.println("                                           rolling upgrade, node by node in ring"
        + " order");
    to.println("  upgrade-hold [--via host:port]           no schema version advances (rollback"
        + " stays possible)");
    to.println("  upgrade-release [--via host:port]        versions advance once every node"
        + " supports them");
    to.println("  (<command> --help for every option)");
  }

  /** A rate for the usage text: 8, not 8.0. */
  private static String rate(double perSecond) {
    return perSecond == Math.rint(perSecond) ? Long.toString((long) perSecond)
        : Double.toString(perSecond);
  }
}
