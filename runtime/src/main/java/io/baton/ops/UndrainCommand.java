package io.baton.ops;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code baton-undrain <node> --via host:port}: ends a member's drain through any node's operator
 * endpoint ({@code POST /undrain/{node}}); ordinary rebalancing then gives it about half of the
 * busiest node's shards. Exit status as {@link DrainCommand} (without the timeout).
 */
@Command(
    name = "baton-undrain",
    mixinStandardHelpOptions = true,
    versionProvider = StatusCommand.Version.class,
    description = "Ends the drain of a node: shards may be placed on it again, and rebalancing"
        + " gives it its share back.")
public final class UndrainCommand extends DrainRequestCommand {

  public static void main(String[] args) {
    System.exit(new CommandLine(new UndrainCommand()).execute(args));
  }

  @Override
  String action() {
    return "undrain";
  }

  @Override
  int accepted(OperatorClient client, DrainView view, PrintWriter out, PrintWriter err) {
    out.println("undrain of " + view.requested() + " requested: it takes shards again as"
        + " rebalancing moves them (baton-status shows where they are)");
    out.println(view.drains().isEmpty() ? "no node is drained now"
        : "still drained: " + String.join(", ",
            view.drains().stream().map(DrainProgress::node).toList()));
    return EXIT_OK;
  }
}
