package io.baton.ops;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * What {@link DrainCommand} and {@link UndrainCommand} share: the node argument, the endpoint to
 * ask ({@code --via}), the request and the reading of its answer.
 */
abstract class DrainRequestCommand implements Callable<Integer> {

  /** The node answered and the drain set changed. */
  static final int EXIT_OK = 0;
  /** The endpoint could not be reached, or refused the request (unknown node, no cluster). */
  static final int EXIT_FAILED = 1;
  /** The command line was wrong (picocli's own code for usage errors). */
  static final int EXIT_USAGE = 2;
  /** {@code --wait} ran out of time before the drain completed; the drain stays in effect. */
  static final int EXIT_TIMEOUT = 3;

  @Spec CommandSpec spec;

  @Mixin TokenOption tokens;

  @Parameters(index = "0", paramLabel = "NODE",
      description = "The member: its address (pekko://<cluster>@host:port), host:port of its"
          + " remoting, or its name (baton.node.name).")
  String node;

  @Option(names = "--via", paramLabel = "ENDPOINT", defaultValue = "http://127.0.0.1:8558",
      description = "The operator endpoint of any node of the cluster, host:port or"
          + " http://host:port. Default: ${DEFAULT-VALUE}.")
  String via;

  @Option(names = "--request-timeout", paramLabel = "DURATION", defaultValue = "PT10S",
      converter = StatusCommand.DurationConverter.class,
      description = "How long to wait for one answer of the endpoint, e.g. 10s. Default: 10s.")
  Duration requestTimeout;

  /** drain or undrain: the endpoint's path and the command's name. */
  abstract String action();

  /** What to do once the endpoint accepted the request. */
  abstract int accepted(OperatorClient client, DrainView view, PrintWriter out, PrintWriter err)
      throws OperatorClient.Unreachable, InterruptedException, IOException;

  @Override
  public final Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    OperatorClient client;
    try {
      client = OperatorClient.of(via, requestTimeout, tokens.token());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    try {
      OperatorClient.Answer answer = client.post(action(), node);
      switch (answer.status()) {
        case 202 -> {
          DrainView view = OperatorClient.JSON.readValue(answer.body(), DrainView.class);
          int exit = accepted(client, view, out, err);
          out.flush();
          err.flush();
          return exit;
        }
        case 400 -> {
          err.println(name() + ": " + answer.text());
          err.flush();
          return EXIT_USAGE;
        }
        default -> {
          err.println(name() + ": " + client.base() + " answered HTTP " + answer.status() + ": "
              + answer.text());
          err.flush();
          return EXIT_FAILED;
        }
      }
    } catch (OperatorClient.Unreachable e) {
      err.println(name() + ": " + e.getMessage());
      err.flush();
      return EXIT_FAILED;
    } catch (IOException e) {
      err.println(name() + ": " + client.base() + " did not answer a drain document ("
          + e.getMessage() + "): is it a Baton operator endpoint of this version?");
      err.flush();
      return EXIT_FAILED;
    }
  }

  final String name() {
    return spec.commandLine().getCommandName();
  }
}
