package io.baton.ops;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code baton-drain <node> --via host:port [--wait]}: drains a member through any node's operator
 * endpoint ({@code POST /drain/{node}}, docs/decisions/0011-drain.md): its shards move to its ring
 * successor and nothing new is placed on it. With {@code --wait}, prints the shards left as they
 * fall (polling {@code GET /drain}) until the node holds nothing, so that it can be stopped with
 * no impact. Exit status 0 when the drain was accepted (with {@code --wait}: completed), 1 when the
 * endpoint could not be reached or refused (unknown node: the answer lists the members), 2 for bad
 * arguments, 3 when {@code --wait} timed out (the drain stays in effect).
 */
@Command(
    name = "baton-drain",
    mixinStandardHelpOptions = true,
    versionProvider = StatusCommand.Version.class,
    description = "Drains a node: moves every shard it hosts to the node that holds their"
        + " replicas and places nothing new on it, so that it can be stopped with no impact."
        + " Undo with baton-undrain.")
public final class DrainCommand extends DrainRequestCommand {

  @Option(names = "--wait", description = "Wait until the node holds no shard, printing progress.")
  boolean await;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "PT5M",
      converter = StatusCommand.DurationConverter.class,
      description = "With --wait: how long to wait for the drain to complete, e.g. 5m."
          + " Default: 5m.")
  Duration timeout;

  @Option(names = "--poll-interval", paramLabel = "DURATION", defaultValue = "PT1S",
      converter = StatusCommand.DurationConverter.class,
      description = "With --wait: how often to ask for progress. Default: 1s.")
  Duration pollInterval;

  public static void main(String[] args) {
    System.exit(new CommandLine(new DrainCommand()).execute(args));
  }

  @Override
  String action() {
    return "drain";
  }

  @Override
  int accepted(OperatorClient client, DrainView view, PrintWriter out, PrintWriter err)
      throws OperatorClient.Unreachable, InterruptedException, IOException {
    String address = view.requested();
    DrainProgress progress = view.drainOf(address);
    out.println("drain of " + address + " requested");
    if (progress != null) {
      out.println(StatusCommand.renderDrain(progress));
    }
    out.flush();
    if (!await) {
      return EXIT_OK;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = progress == null ? null : StatusCommand.renderDrain(progress);
    while (progress == null || !progress.complete()) {
      if (System.nanoTime() - deadline >= 0) {
        err.println(name() + ": the drain of " + address + " did not complete within " + timeout
            + (progress == null ? "" : " (" + StatusCommand.renderDrain(progress) + ")")
            + ". The drain stays in effect: wait longer (baton-drain " + address + " --wait), look"
            + " at baton-status for unreachable members, or end it with baton-undrain.");
        return EXIT_TIMEOUT;
      }
      Thread.sleep(Math.min(pollInterval.toMillis(),
          Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
      OperatorClient.Answer answer = client.get("/drain");
      if (answer.status() != 200) {
        err.println(name() + ": " + client.base() + "/drain answered HTTP " + answer.status()
            + ": " + answer.text());
        return EXIT_FAILED;
      }
      progress = OperatorClient.JSON.readValue(answer.body(), DrainView.class).drainOf(address);
      if (progress == null) {
        err.println(name() + ": " + address + " is no longer drained (someone undrained it)");
        return EXIT_FAILED;
      }
      String line = StatusCommand.renderDrain(progress);
      if (!line.equals(last)) {
        out.println(line);
        out.flush();
        last = line;
      }
    }
    return EXIT_OK;
  }
}
