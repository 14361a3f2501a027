package io.baton.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * baton-drain and baton-undrain against a scripted endpoint (the JDK's HTTP server answering as
 * the operator endpoint would), and the text the commands print; the real endpoint is exercised
 * by OperatorEndpointTest.
 */
@Timeout(30)
class DrainCommandTest {

  private static final String NODE = "pekko://baton@127.0.0.1:25522";

  private HttpServer server;
  private final List<String> requests = new ArrayList<>();

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  /** An endpoint that answers POSTs with {@code post} and each GET /drain with the next view. */
  private String endpoint(int postStatus, String post, Deque<DrainView> drains) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      synchronized (requests) {
        requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath());
      }
      int status;
      String body;
      if (exchange.getRequestMethod().equals("POST")) {
        status = postStatus;
        body = post;
      } else {
        DrainView view;
        synchronized (drains) {
          view = drains.size() > 1 ? drains.poll() : drains.peek();
        }
        status = 200;
        body = OperatorClient.JSON.writeValueAsString(view);
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  private static DrainView view(String requested, Integer left, Integer atStart) {
    return new DrainView(requested, requested == null ? null : true,
        List.of(DrainProgress.of(NODE, "node2", left, atStart)));
  }

  private static String json(DrainView view) throws IOException {
    return OperatorClient.JSON.writeValueAsString(view);
  }

  private record Run(int exit, String out, String err) {}

  private static Run run(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = new CommandLine(command).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
        .execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  /** --wait prints each new count of shards left, in order, and ends at zero with exit 0. */
  @Test
  void waitPrintsTheShardsLeftUntilTheNodeIsEmpty() throws Exception {
    String via = endpoint(202, json(view(NODE, 5, 5)), new ArrayDeque<>(List.of(
        view(null, 5, 5), view(null, 3, 5), view(null, 3, 5), view(null, 0, 5))));
    Run run = run(new DrainCommand(), "node2", "--via", via, "--wait", "--poll-interval", "10ms");
    assertEquals(0, run.exit(), run.err());
    List<String> lines = run.out().lines().toList();
    assertEquals(List.of(
        "drain of " + NODE + " requested",
        "node2 (" + NODE + "): draining, 5 of 5 shard(s) left",
        "node2 (" + NODE + "): draining, 3 of 5 shard(s) left",
        "node2 (" + NODE + "): complete, it holds no shard and can be stopped with no impact"),
        lines, "each change once, in order");
    assertEquals("POST /drain/node2", requests.get(0));
  }

  /** A drain that does not finish in time exits 3 and says the drain stays, and what to do. */
  @Test
  void waitTimesOutWithExit3AndAClearMessage() throws Exception {
    String via = endpoint(202, json(view(NODE, 4, 6)),
        new ArrayDeque<>(List.of(view(null, 2, 6))));
    Run run = run(new DrainCommand(), NODE, "--via", "http://" + via, "--wait", "--timeout",
        "300ms", "--poll-interval", "20ms");
    assertEquals(3, run.exit(), run.out() + run.err());
    assertTrue(run.err().contains("did not complete within PT0.3S"), run.err());
    assertTrue(run.err().contains("2 of 6 shard(s) left"), run.err());
    assertTrue(run.err().contains("stays in effect") && run.err().contains("baton-undrain"),
        run.err());
    assertEquals("POST /drain/pekko%3A%2F%2Fbaton%40127.0.0.1%3A25522", requests.get(0),
        "the address travels as one path segment");
  }

  /** Without --wait the command returns once the drain is accepted. */
  @Test
  void withoutWaitItReturnsAtOnce() throws Exception {
    String via = endpoint(202, json(view(NODE, 4, 4)), new ArrayDeque<>(List.of(view(null, 4, 4))));
    Run run = run(new DrainCommand(), "node2", "--via", via);
    assertEquals(0, run.exit(), run.err());
    assertEquals(List.of("POST /drain/node2"), requests);
    assertTrue(run.out().contains("4 of 4 shard(s) left"), run.out());
  }

  /** An unknown node exits 1 with the endpoint's list of members; a malformed one exits 2. */
  @Test
  void refusalsArePassedOnWithTheirExitStatus() throws Exception {
    String via = endpoint(404, "no member 'node9' in the cluster; the members are:\n  " + NODE
        + " (node2)\n", new ArrayDeque<>());
    Run unknown = run(new DrainCommand(), "node9", "--via", via);
    assertEquals(1, unknown.exit());
    assertTrue(unknown.err().contains("HTTP 404") && unknown.err().contains(NODE + " (node2)"),
        unknown.err());
    server.stop(0);

    String via2 = endpoint(400, "'x!' is not a node: write ...\n", new ArrayDeque<>());
    Run malformed = run(new UndrainCommand(), "x!", "--via", via2);
    assertEquals(2, malformed.exit());
    assertTrue(malformed.err().startsWith("baton-undrain: 'x!' is not a node"), malformed.err());
  }

  /** Undrain says it was requested and what is still drained. */
  @Test
  void undrainReportsWhatIsStillDrained() throws Exception {
    String via = endpoint(202, json(new DrainView(NODE, true, List.of())), new ArrayDeque<>());
    Run run = run(new UndrainCommand(), "node2", "--via", via);
    assertEquals(0, run.exit(), run.err());
    assertEquals("POST /undrain/node2", requests.get(0));
    assertTrue(run.out().contains("undrain of " + NODE + " requested"), run.out());
    assertTrue(run.out().contains("no node is drained now"), run.out());
  }

  /** Bad arguments exit 2 with what is allowed; an endpoint that is down exits 1 with a hint. */
  @Test
  void argumentErrorsAndUnreachableEndpoints() throws Exception {
    Run missing = run(new DrainCommand(), "--via", "127.0.0.1:8558");
    assertEquals(2, missing.exit());
    assertTrue(missing.err().contains("Missing required parameter: 'NODE'"), missing.err());

    Run badVia = run(new DrainCommand(), "node2", "--via", "ftp://host/x");
    assertEquals(2, badVia.exit());
    assertTrue(badVia.err().contains("is not an operator endpoint: write host:port"),
        badVia.err());

    Run badTimeout = run(new DrainCommand(), "node2", "--wait", "--timeout", "soon");
    assertEquals(2, badTimeout.exit());
    assertTrue(badTimeout.err().contains("'soon' is not a duration"), badTimeout.err());

    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Run down = run(new UndrainCommand(), "node2", "--via", "127.0.0.1:" + port,
        "--request-timeout", "2s");
    assertEquals(1, down.exit());
    assertTrue(down.err().contains("cannot reach") && down.err().contains("baton.ops.enabled"),
        down.err());
  }

  /** The status summary shows every node in ring order with its shards, drain and versions. */
  @Test
  void statusSummaryShowsNodesAndProgress() {
    String a = "pekko://baton@127.0.0.1:25520";
    NodeStatus status = new NodeStatus(
        new NodeStatus.Node(a, "node1", "0.1.0", "2.0.0", 65, true, "Up"),
        List.of(new NodeStatus.Member(a, "Up", true), new NodeStatus.Member(NODE, "Up", true),
            new NodeStatus.Member("pekko://baton@127.0.0.1:25523", "Joining", false)),
        List.of(a, NODE), null, null,
        List.of(
            new NodeStatus.ClusterNode(a, 1, "Up", true, false, true, "node1", "0.1.0", "2.0.0",
                Map.of("account", "v2"),
                Map.of("account", new NodeStatus.TypeShards(2, 7, List.of(
                    new NodeStatus.Shard("3", 4, 12.5), new NodeStatus.Shard("9", 3, 2.0)))),
                2, 7L, 14.5, 0L, false),
            new NodeStatus.ClusterNode(NODE, 2, "Up", true, true, true, "node2", "0.1.0",
                "1.9.0", Map.of(), Map.of(), 0, 0L, null, 3L, false),
            new NodeStatus.ClusterNode("pekko://baton@127.0.0.1:25523", null, "Joining", false,
                false, false, null, null, null, null, null, null, null, null, null, null)),
        new NodeStatus.Progress(
            List.of(DrainProgress.of(NODE, "node2", 0, 6)),
            List.of(new NodeStatus.CatchUpProgress(a, NODE, 2, 5, 80, false)),
            List.of(new io.baton.ring.RebalanceActivity(a, "account", 3, 2, 9,
                new io.baton.ring.RebalanceActivity.Round(0, "load", a, NODE, 4)))),
        new io.baton.upgrade.GateStatus(true, true, List.of(), List.of(
            new io.baton.upgrade.GateStatus.ClassGate("com.x.Deposited", 1, 2, true, List.of(),
                Map.of(a, new io.baton.upgrade.SupportedVersions(2, 1, 1),
                    NODE, new io.baton.upgrade.SupportedVersions(2, 1, 1))),
            new io.baton.upgrade.GateStatus.ClassGate("com.x.Opened", 1, 2, true,
                List.of(NODE), Map.of(a, new io.baton.upgrade.SupportedVersions(2, 1, 1),
                    NODE, new io.baton.upgrade.SupportedVersions(1, 1, 1))))),
        new io.baton.services.ServicesStatus(List.of(
            new io.baton.services.ServicesStatus.Service("death-detector", "running", 1, null),
            new io.baton.services.ServicesStatus.Service("journal/replica-endpoint", "running", 2,
                "failed: boom")),
            List.of("journal/replica-endpoint: started (start 2)")));
    String text = StatusCommand.render(status);
    assertTrue(text.contains("Services     2 of 2 running (the node's supervision tree)\n"
        + "  journal/replica-endpoint           running, 2 start(s), last exit: failed: boom\n"
        + "  latest     journal/replica-endpoint: started (start 2)\n"), text);
    List<String> lines = text.lines().toList();
    int first = lines.indexOf("  * 1. " + a + " (node1)");
    assertTrue(first > 0, text);
    assertEquals("       Up, app 2.0.0, Baton 0.1.0; 2 shard(s), 7 entities, 14.5 msg/s, lag 0",
        lines.get(first + 1));
    assertEquals("       account: 2 shard(s), 7 entities", lines.get(first + 2));
    assertEquals("       account: behaviour version v2", lines.get(first + 3));
    assertEquals("    2. " + NODE + " (node2) DRAINED", lines.get(first + 4));
    assertEquals("       Up, app 1.9.0, Baton 0.1.0; 0 shard(s), 0 entities, load not measured,"
        + " lag 3", lines.get(first + 5));
    assertEquals("    -. pekko://baton@127.0.0.1:25523 UNREACHABLE", lines.get(first + 6));
    assertTrue(lines.get(first + 7).contains("Joining; no report"), text);
    assertTrue(text.contains("  drain      node2 (" + NODE + "): complete, it holds no shard"),
        text);
    assertTrue(text.contains("  catch-up   " + a + " -> " + NODE + ": CATCHING UP, 2 of 5 entities"
        + " behind, 80 events copied"), text);
    assertTrue(text.contains("  rebalance  account: 3 shard(s) moving now; 9 moved in 2 round(s);"
        + " last: 4 by load from " + a + " to " + NODE + " at 1970-01-01T00:00:00Z"), text);
    assertTrue(text.contains("Up, Baton 0.1.0, app 2.0.0, up 1m 5s"), text);
    int upgrade = lines.indexOf(
        "Upgrade      gate HELD: no schema version advances until baton-upgrade-release");
    assertTrue(upgrade > 0, text);
    assertEquals("  com.x.Deposited: active 1, newest 2: ADVANCE PENDING (held)",
        lines.get(upgrade + 1));
    assertEquals("      " + a + ": writes 1..2, reads from 1", lines.get(upgrade + 2));
    assertEquals("  com.x.Opened: active 1, newest 2: ADVANCE PENDING, not supported yet by "
        + NODE, lines.get(upgrade + 4));
    assertEquals("      " + NODE + ": writes 1, reads from 1", lines.get(upgrade + 6));
  }

  /** A drain line says what is known: left of start, left alone, unknown, or stopped. */
  @Test
  void drainLinesSayWhatIsKnown() {
    assertEquals(NODE + ": stopped; it stays drained, so a node started on its address gets no"
        + " shard until baton-undrain",
        StatusCommand.renderDrain(DrainProgress.ofStopped(NODE, 4)));
    assertEquals(NODE + ": draining, 2 shard(s) left",
        StatusCommand.renderDrain(DrainProgress.of(NODE, NODE, 2, null)));
    assertEquals("node2 (" + NODE + "): draining, shards left unknown (the node did not report"
        + " in time)", StatusCommand.renderDrain(DrainProgress.of(NODE, "node2", null, 3)));
  }
}
