package io.baton.ops;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.journal.replication.ReplicationStatus;
import io.baton.journal.store.CommitStats;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code baton-status}: fetches a node's {@code /status} and prints it for a human (the ring with
 * the node marked, its replicas, the replication lag and catch-up), or the raw JSON with {@code
 * --json}. Exit status 0 when the node answered, 1 when it did not (unreachable, not an operator
 * endpoint), 2 for bad arguments.
 */
@Command(
    name = "baton-status",
    mixinStandardHelpOptions = true,
    versionProvider = StatusCommand.Version.class,
    description = "Prints the status of a Baton node: its cluster view, the ring, replication"
        + " and the journal store, read from the node's operator endpoint (baton.ops).")
public final class StatusCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin TokenOption tokens;

  @Option(names = "--node", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8558",
      description = "The operator endpoint of the node (baton.ops.host:port). Default: ${DEFAULT-VALUE}.")
  String node;

  @Option(names = "--json", description = "Print the status as JSON, as the node served it.")
  boolean json;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "PT5S",
      converter = DurationConverter.class,
      description = "How long to wait for the node, e.g. 5s or 500ms. Default: 5s.")
  Duration timeout;

  public static void main(String[] args) {
    System.exit(new CommandLine(new StatusCommand()).execute(args));
  }

  private HttpRequest.Builder withToken(HttpRequest.Builder request) {
    try {
      tokens.token().ifPresent(token -> request.header("Authorization", "Bearer " + token));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    return request;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    URI uri = URI.create("http://" + node + "/status");
    String body;
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
      HttpResponse<String> response = client.send(
          withToken(HttpRequest.newBuilder(uri).timeout(timeout).GET()).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 401 || response.statusCode() == 403) {
        err.println("baton-status: " + uri + " answered HTTP " + response.statusCode() + ": "
            + new OperatorClient.Answer(response.statusCode(), response.body()).text()
            + " (give --token-file)");
        return 1;
      }
      if (response.statusCode() != 200) {
        err.println("baton-status: " + uri + " answered HTTP " + response.statusCode()
            + ": is " + node + " a Baton operator endpoint (baton.ops.port)?");
        return 1;
      }
      body = response.body();
    } catch (IOException e) {
      err.println("baton-status: cannot reach " + uri + " (" + e + "): is the node running with"
          + " baton.ops.enabled = on, and is --node its baton.ops host:port?");
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
    if (json) {
      out.print(body);
      out.flush();
      return 0;
    }
    try {
      NodeStatus status = new ObjectMapper()
          .findAndRegisterModules()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .readValue(body, NodeStatus.class);
      out.print(render(status));
      out.flush();
      return 0;
    } catch (IOException e) {
      err.println("baton-status: " + uri + " did not answer a status document (" + e.getMessage()
          + "); try --json to see what it sent");
      return 1;
    }
  }

  /** The human-readable summary of {@code status}. */
  public static String render(NodeStatus status) {
    StringBuilder text = new StringBuilder();
    NodeStatus.Node self = status.node();
    text.append(String.format(Locale.ROOT, "Node         %s%s%n", self.address(),
        self.name().equals(self.address()) ? "" : " (" + self.name() + ")"));
    text.append(String.format(Locale.ROOT, "             %s, Baton %s, app %s, up %s%n",
        self.status(), self.version(), self.appVersion(), uptime(self.uptimeSeconds())));

    long unreachable = status.members().stream().filter(m -> !m.reachable()).count();
    text.append(String.format(Locale.ROOT, "Members      %d, %d unreachable%n",
        status.members().size(), unreachable));
    for (NodeStatus.Member member : status.members()) {
      text.append(String.format(Locale.ROOT, "  %-40s %-10s %s%n", member.address(),
          member.status(), member.reachable() ? "reachable" : "UNREACHABLE"));
    }

    if (status.nodes() == null || status.nodes().isEmpty()) {
      text.append("Ring         owner order, * = this node\n");
      for (int i = 0; i < status.ring().size(); i++) {
        String address = status.ring().get(i);
        text.append(String.format(Locale.ROOT, "  %s %d. %s%n",
            address.equals(self.address()) ? "*" : " ", i + 1, address));
      }
    } else {
      text.append("Ring         owner order, * = this node; lag = events not yet confirmed by"
          + " replicas\n");
      for (NodeStatus.ClusterNode node : status.nodes()) {
        renderNode(text, node, node.address().equals(self.address()));
      }
    }

    ReplicationStatus replication = status.replication();
    if (replication == null) {
      text.append("Replication  not in use (this node's journal is not baton.journal)\n");
    } else {
      text.append(String.format(Locale.ROOT, "Replication  %s, factor %d%s%n",
          replication.mode().toString().toLowerCase(Locale.ROOT), replication.factor(),
          replication.underReplicated()
              ? ", UNDER-REPLICATED: " + (replication.replicas().size() + 1) + " of "
                  + replication.factor() + " copies (the ring is too small)"
              : ""));
      text.append("  replicas   ").append(replication.replicas().isEmpty()
          ? "none" : String.join(", ", replication.replicas())).append('\n');
      text.append(String.format(Locale.ROOT,
          "  lag        %d event(s) sent, not yet confirmed; %d replicated since start%n",
          replication.inFlight(), replication.replicatedEvents()));
      if (replication.catchUp().isEmpty()) {
        text.append("  catch-up   none started\n");
      }
      for (ReplicationStatus.CatchUp catchUp : replication.catchUp()) {
        text.append(String.format(Locale.ROOT, "  catch-up   %s: %s, %d of %d entities behind,"
                + " %d events copied%n", catchUp.target(),
            catchUp.caughtUp() ? "caught up" : "CATCHING UP", catchUp.entitiesBehind(),
            catchUp.entitiesInPass(), catchUp.eventsCopied()));
      }
    }
    if (status.services() != null) {
      renderServices(text, status.services());
    }
    if (status.progress() != null) {
      text.append("Progress\n");
      if (status.progress().drains().isEmpty()) {
        text.append("  drain      no node is drained\n");
      }
      for (DrainProgress drain : status.progress().drains()) {
        text.append("  drain      ").append(renderDrain(drain)).append('\n');
      }
      for (NodeStatus.CatchUpProgress catchUp : status.progress().catchUp()) {
        text.append(String.format(Locale.ROOT, "  catch-up   %s -> %s: %s, %d of %d entities"
                + " behind, %d events copied%n", catchUp.owner(), catchUp.target(),
            catchUp.caughtUp() ? "caught up" : "CATCHING UP", catchUp.entitiesBehind(),
            catchUp.entitiesInPass(), catchUp.eventsCopied()));
      }
      if (status.progress().rebalances() != null) {
        for (io.baton.ring.RebalanceActivity rebalance : status.progress().rebalances()) {
          text.append("  rebalance  ").append(renderRebalance(rebalance)).append('\n');
        }
      }
      if (status.progress().stalls() != null) {
        for (NodeStatus.Stall stall : status.progress().stalls()) {
          text.append("  STALL      ").append(renderStall(stall)).append('\n');
        }
      }
    }
    if (status.upgrade() != null) {
      renderUpgrade(text, status.upgrade());
    }
    CommitStats store = status.store();
    if (store != null) {
      text.append(String.format(Locale.ROOT,
          "Journal      %d events written in %d group commits (%d requests, %.1f per group)%n",
          store.records(), store.groups(), store.requests(),
          store.groups() == 0 ? 0.0 : (double) store.requests() / store.groups()));
    }
    return text.toString();
  }

  /**
   * The "Upgrade" section: the hold, then per class its active version, whether an advance is
   * pending and why, and each member's supported versions.
   */
  static void renderUpgrade(StringBuilder text, io.baton.upgrade.GateStatus gate) {
    if (!gate.enabled()) {
      text.append("Upgrade      version gate off (baton.upgrade.gate.enabled): every class at"
          + " each node's current version\n");
      return;
    }
    text.append("Upgrade      ").append(gate.held()
        ? "gate HELD: no schema version advances until baton-upgrade-release"
        : "gate open: versions advance once every member supports them").append('\n');
    if (!gate.waitingFor().isEmpty()) {
      text.append("  waiting for the versions of ").append(String.join(", ", gate.waitingFor()))
          .append('\n');
    }
    for (io.baton.upgrade.GateStatus.ClassGate found : gate.classes()) {
      text.append("  ").append(found.className()).append(": active ")
          .append(found.active() == null ? "undecided" : found.active().toString());
      if (found.pending()) {
        text.append(", newest ").append(found.newest()).append(": ADVANCE PENDING");
        if (!found.behind().isEmpty()) {
          text.append(", not supported yet by ").append(String.join(", ", found.behind()));
        } else if (gate.held()) {
          text.append(" (held)");
        }
      }
      text.append('\n');
      new java.util.TreeMap<>(found.members()).forEach((member, range) ->
          text.append("      ").append(member).append(": writes ").append(range.range())
              .append(", reads from ").append(range.oldestReadable()).append('\n'));
    }
  }

  private static void renderNode(StringBuilder text, NodeStatus.ClusterNode node, boolean self) {
    String named = node.name() == null || node.name().equals(node.address())
        ? "" : " (" + node.name() + ")";
    text.append(String.format(Locale.ROOT, "  %s %s %s%s%s%s%n", self ? "*" : " ",
        node.ringPosition() == null ? "-." : node.ringPosition() + ".", node.address(), named,
        node.drained() ? " DRAINED" : "", node.reachable() ? "" : " UNREACHABLE"));
    if (!node.answered()) {
      text.append(String.format(Locale.ROOT, "       %s; no report (it did not answer in time, or"
          + " runs without baton.ops)%n", node.status()));
      return;
    }
    text.append(String.format(Locale.ROOT, "       %s, app %s, Baton %s; %d shard(s), %d"
            + " entities, %s, lag %s%n", node.status(), node.appVersion(), node.batonVersion(),
        node.shardCount(), node.entities(),
        node.messagesPerSecond() == null ? "load not measured"
            : String.format(Locale.ROOT, "%.1f msg/s", node.messagesPerSecond()),
        node.replicationLag() == null ? "n/a" : node.replicationLag().toString()));
    node.shards().forEach((type, shards) -> text.append(String.format(Locale.ROOT,
        "       %s: %d shard(s), %d entities%n", type, shards.count(), shards.entities())));
    if (node.behaviourVersions() != null) {
      node.behaviourVersions().forEach((type, version) -> text.append(String.format(Locale.ROOT,
          "       %s: behaviour version %s%n", type, version)));
    }
  }

  /** One line on requests waiting for their entities: how many, how long, which shards. */
  public static String renderStall(NodeStatus.Stall stall) {
    return String.format(Locale.ROOT,
        "%s: %d request(s) waiting over 1 s (oldest %.1f s) for %d shard(s)%s", stall.type(),
        stall.requests(), stall.oldestMillis() / 1000.0, stall.shards().size(),
        stall.homeless().isEmpty() ? "" : ", " + stall.homeless().size() + " without a home: "
            + String.join(",", stall.homeless().subList(0, Math.min(10, stall.homeless().size())))
            + (stall.homeless().size() > 10 ? ",..." : ""));
  }

  /**
   * The node's service tree: how many services run, then each one that is not running or has been
   * restarted, with its starts and last exit, and the tree's latest report.
   */
  static void renderServices(StringBuilder text, io.baton.services.ServicesStatus services) {
    long running = services.services().stream().filter(s -> s.state().equals("running")).count();
    text.append(String.format(Locale.ROOT, "Services     %d of %d running (the node's supervision"
        + " tree)%n", running, services.services().size()));
    for (io.baton.services.ServicesStatus.Service service : services.services()) {
      if (!service.state().equals("running") || service.starts() > 1) {
        text.append(String.format(Locale.ROOT, "  %-34s %s, %d start(s), last exit: %s%n",
            service.path(), service.state(), service.starts(), service.lastExit()));
      }
    }
    if (!services.reports().isEmpty()) {
      text.append("  latest     ").append(services.reports().get(services.reports().size() - 1))
          .append('\n');
    }
  }

  /** One line on a rebalance: shards moving now, rounds so far, the last round, the balance. */
  public static String renderRebalance(io.baton.ring.RebalanceActivity rebalance) {
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
        "%s: %d shard(s) moving now; %d moved in %d round(s)", rebalance.type(),
        rebalance.shardsMovingNow(), rebalance.shardsMoved(), rebalance.rounds()));
    io.baton.ring.RebalanceActivity.Round last = rebalance.lastRound();
    if (last != null) {
      line.append(String.format(Locale.ROOT, "; last: %d by %s from %s to %s at %s", last.shards(),
          last.kind(), last.from(), last.to(), java.time.Instant.ofEpochMilli(last.atEpochMillis())));
    }
    if (rebalance.balanced() != null) {
      line.append(rebalance.balanced() ? "; balanced" : "; NOT BALANCED yet");
    }
    return line.toString();
  }

  /** One line of progress of a drain. */
  public static String renderDrain(DrainProgress drain) {
    String who = drain.name().equals(drain.node())
        ? drain.node() : drain.name() + " (" + drain.node() + ")";
    if (drain.stopped()) {
      return who + ": stopped; it stays drained, so a node started on its address gets no shard"
          + " until baton-undrain";
    }
    if (drain.complete()) {
      return who + ": complete, it holds no shard and can be stopped with no impact";
    }
    if (drain.shardsLeft() == null) {
      return who + ": draining, shards left unknown (the node did not report in time)";
    }
    return who + ": draining, " + drain.shardsLeft()
        + (drain.shardsAtStart() == null ? "" : " of " + drain.shardsAtStart())
        + " shard(s) left";
  }

  private static String uptime(long seconds) {
    long days = seconds / 86_400;
    long hours = seconds % 86_400 / 3600;
    long minutes = seconds % 3600 / 60;
    long rest = seconds % 60;
    return days > 0 ? String.format(Locale.ROOT, "%dd %dh %dm", days, hours, minutes)
        : hours > 0 ? String.format(Locale.ROOT, "%dh %dm %ds", hours, minutes, rest)
        : String.format(Locale.ROOT, "%dm %ds", minutes, rest);
  }

  /**
   * Reads 5s, 1.5s, 500ms, 2m or an ISO-8601 duration (PT5S); shared by every Baton command.
   */
  public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String text = value.strip().toLowerCase(Locale.ROOT);
      try {
        if (text.startsWith("pt")) {
          return Duration.parse(text.toUpperCase(Locale.ROOT));
        }
        if (text.endsWith("ms")) {
          return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
        }
        if (text.endsWith("s")) {
          // Whole or decimal seconds: 10s, 1.5s.
          return Duration.ofMillis(new java.math.BigDecimal(text.substring(0, text.length() - 1))
              .movePointRight(3).longValueExact());
        }
        if (text.endsWith("m")) {
          return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
        }
      } catch (RuntimeException e) {
        // falls through to the error below, which says what is allowed
      }
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not a duration: write e.g. 5s, 1.5s, 500ms or 2m");
    }
  }

  /** The version of {@code --version}: the Baton version of this jar. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"baton-status " + io.baton.ops.internal.NodeObservation.version()};
    }
  }
}
