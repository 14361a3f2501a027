package io.baton.ops;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What {@link UpgradeHoldCommand} and {@link UpgradeReleaseCommand} share: the endpoint to ask
 * ({@code --via}), the request ({@code POST /upgrade/hold} or {@code /upgrade/release}) and the
 * report of its answer. Exit status: 0 done, 1 unreachable or refused, 2 usage.
 */
abstract class UpgradeGateCommand implements Callable<Integer> {

  static final int EXIT_OK = 0;
  static final int EXIT_FAILED = 1;

  @Spec CommandSpec spec;

  @Mixin TokenOption tokens;

  @Option(names = "--via", paramLabel = "ENDPOINT", defaultValue = "http://127.0.0.1:8558",
      description = "The operator endpoint of any node of the cluster, host:port or"
          + " http://host:port. Default: ${DEFAULT-VALUE}.")
  String via;

  @Option(names = "--request-timeout", paramLabel = "DURATION", defaultValue = "PT10S",
      converter = StatusCommand.DurationConverter.class,
      description = "How long to wait for the answer of the endpoint, e.g. 10s. Default: 10s.")
  Duration requestTimeout;

  /** hold or release: the last segment of the endpoint's path. */
  abstract String action();

  @Override
  public final Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String name = spec.commandLine().getCommandName();
    OperatorClient client;
    try {
      client = OperatorClient.of(via, requestTimeout, tokens.token());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    try {
      OperatorClient.Answer answer = client.post("upgrade", action());
      if (answer.status() != 202) {
        err.println(name + ": " + client.base() + " answered HTTP " + answer.status() + ": "
            + answer.text());
        err.flush();
        return EXIT_FAILED;
      }
      GateChange change = OperatorClient.JSON.readValue(answer.body(), GateChange.class);
      out.println(report(change));
      out.flush();
      return EXIT_OK;
    } catch (OperatorClient.Unreachable e) {
      err.println(name + ": " + e.getMessage());
      err.flush();
      return EXIT_FAILED;
    } catch (IOException e) {
      err.println(name + ": " + client.base() + " did not answer a version gate document ("
          + e.getMessage() + "): is it a Baton operator endpoint of this version?");
      err.flush();
      return EXIT_FAILED;
    }
  }

  /** What the operator reads: the new state, whether it reached everyone, what is pending. */
  static String report(GateChange change) {
    StringBuilder text = new StringBuilder(change.held()
        ? "version gate HELD cluster-wide: no schema version advances until baton-upgrade-release"
        : "version gate released cluster-wide: schema versions advance once every member"
            + " supports them (within baton.upgrade.gate.interval)");
    text.append('\n').append(change.confirmed() ? "every reachable member confirmed it"
        : "not every member confirmed in time: the change holds on the node asked and spreads");
    long pending = change.gate() == null ? 0
        : change.gate().classes().stream().filter(c -> c.pending()).count();
    if (pending > 0) {
      text.append('\n').append(pending).append(" class(es) with an advance pending (baton-status"
          + " shows them under Upgrade)");
    }
    return text.toString();
  }
}
