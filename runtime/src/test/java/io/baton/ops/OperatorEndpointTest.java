package io.baton.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.baton.journal.InProcessCluster;
import io.baton.process.ExitReason;
import io.baton.ring.RingSuccessorAllocation;
import io.baton.security.TestTokens;
import io.baton.serialization.ClusterSerializable;
import io.baton.supervision.SupervisorReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The operator endpoint and the status command against real nodes with Baton's journal. */
@Timeout(60)
class OperatorEndpointTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Every node's baton.ops.auth.token-file; requests and commands send its token. */
  private static final Path TOKENS = TestTokens.operatorFile();
  private static final String AUTHORIZATION = "Bearer " + TestTokens.OPERATOR;

  @TempDir Path dir;
  private final List<ActorTestKit> nodes = new ArrayList<>();

  @AfterEach
  void stopNodes() {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).shutdownTestKit();
    }
  }

  private static Config nodeConfig(Path dir) {
    return ConfigFactory.parseString("""
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical.hostname = "127.0.0.1"
        pekko.remote.artery.canonical.port = 0
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
        pekko.persistence.journal.plugin = "baton.journal"
        pekko.persistence.snapshot-store.plugin = "baton.snapshot-store"
        pekko.actor.serialization-bindings { "io.baton.ops.Tally$Json" = jackson-json }
        pekko.loglevel = WARNING
        baton.journal.dir = "%s"
        baton.journal.fsync = off
        baton.ops.enabled = on
        baton.ops.port = 0
        baton.ops.auth.token-file = "%s"
        baton.node.app-version = "test-1.2.3"
        """.formatted(dir.toString().replace("\\", "/"), TOKENS))
        .withFallback(ConfigFactory.load());
  }

  /** The sharded entity of the drain test: answers where it runs. */
  record Where(ActorRef<String> replyTo) implements ClusterSerializable {}

  static final EntityTypeKey<Where> PLACE = EntityTypeKey.create(Where.class, "place");

  private static Behavior<Where> place() {
    return Behaviors.receive((context, where) -> {
      where.replyTo().tell(context.getSystem().address().toString());
      return Behaviors.same();
    });
  }

  private static void startPlaces(ActorSystem<?> system) {
    ClusterSharding.get(system).init(Entity.of(PLACE, ctx -> place())
        .withAllocationStrategy(RingSuccessorAllocation.forType(system, PLACE.name())));
  }

  private static String where(ActorSystem<?> from, String id) throws Exception {
    return ClusterSharding.get(from).entityRefFor(PLACE, id)
        .<String>ask(Where::new, Duration.ofSeconds(10)).toCompletableFuture().get();
  }

  private static HttpResponse<String> post(String node, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + node + path))
        .header("Authorization", AUTHORIZATION).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String encoded(String node) {
    return URLEncoder.encode(node, StandardCharsets.UTF_8);
  }

  private static JsonNode nodeIn(JsonNode status, String address) {
    for (JsonNode node : status.at("/nodes")) {
      if (node.at("/address").asText().equals(address)) {
        return node;
      }
    }
    throw new AssertionError("no node " + address + " in " + status);
  }

  private static int run(StringWriter out, StringWriter err, Object command, String... args) {
    return new CommandLine(command).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
        .execute(withToken(args));
  }

  private static String[] withToken(String... args) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 2);
    all[args.length] = "--token-file";
    all[args.length + 1] = TOKENS.toString();
    return all;
  }

  /** Starts a node that joins {@code seed} (itself if null) and returns its kit. */
  private ActorTestKit startNode(String name, ActorTestKit seed) {
    ActorTestKit kit = ActorTestKit.create("baton", nodeConfig(dir.resolve(name)));
    nodes.add(kit);
    Cluster cluster = Cluster.get(kit.system());
    cluster.manager().tell(Join.create(seed == null
        ? cluster.selfMember().address()
        : Cluster.get(seed.system()).selfMember().address()));
    return kit;
  }

  private static void awaitUp(ActorTestKit kit, int count) {
    kit.createTestProbe().awaitAssert(Duration.ofSeconds(30), Duration.ofMillis(100), () -> {
      long up = java.util.stream.StreamSupport.stream(
              Cluster.get(kit.system()).state().getMembers().spliterator(), false)
          .filter(m -> m.status() == MemberStatus.up()).count();
      assertEquals(count, up, "members Up");
      return null;
    });
  }

  private static String endpoint(ActorTestKit kit) throws Exception {
    InetSocketAddress address = OperatorEndpoint.get(kit.system()).address()
        .toCompletableFuture().get().orElseThrow();
    return "127.0.0.1:" + address.getPort();
  }

  private static HttpResponse<String> fetch(String node, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + node + path))
        .header("Authorization", AUTHORIZATION).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void persist(ActorTestKit kit, String id, int events) {
    TestProbe<Long> probe = kit.createTestProbe();
    ActorRef<Tally.Add> tally = kit.spawn(Tally.create(id));
    for (int i = 1; i <= events; i++) {
      tally.tell(new Tally.Add(1, probe.ref()));
      probe.expectMessage(Duration.ofSeconds(15), (long) i);
    }
  }

  private static double sample(String metrics, String series) {
    Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$")
        .matcher(metrics);
    assertTrue(matcher.find(), () -> "no sample " + series + " in:\n" + metrics);
    return Double.parseDouble(matcher.group(1));
  }

  private static String runStatusCommand(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = new CommandLine(new StatusCommand())
        .setOut(new PrintWriter(out))
        .setErr(new PrintWriter(err))
        .execute(withToken(args));
    assertEquals(0, exit, () -> "baton-status failed: " + err);
    return out.toString();
  }

  /**
   * The version gate over HTTP: {@code baton-upgrade-hold} holds it (status, {@code GET /upgrade}
   * and the metrics say so), {@code baton-upgrade-release} releases it; the status shows each
   * class's active version and this member's supported versions.
   */
  @Test
  void upgradeHoldAndReleaseOverHttpShowInStatusAndMetrics() throws Exception {
    ActorTestKit node = startNode("a", null);
    awaitUp(node, 1);
    io.baton.upgrade.SchemaVersions.get(node.system())
        .declare(io.baton.ops.internal.NodeReport.class);
    io.baton.upgrade.internal.VersionGateActor.start(node.system());
    String endpoint = endpoint(node);
    String self = Cluster.get(node.system()).selfMember().address().toString();
    String report = io.baton.ops.internal.NodeReport.class.getName();
    node.createTestProbe().awaitAssert(Duration.ofSeconds(30), () -> {
      JsonNode gate = JSON.readTree(fetch(endpoint, "/status").body()).at("/upgrade");
      JsonNode found = classAt(gate, report);
      assertEquals(1, found.at("/active").asInt(), gate.toString());
      return null;
    });
    JsonNode open = JSON.readTree(fetch(endpoint, "/status").body()).at("/upgrade");
    assertFalse(open.at("/held").asBoolean());
    JsonNode found = classAt(open, report);
    assertFalse(found.at("/pending").asBoolean());
    assertEquals(1, found.at("/members").get(self).at("/current").asInt(), open.toString());
    assertTrue(fetch(endpoint, "/metrics").body().contains(
        "baton_schema_active_version{class=\"" + report + "\"} 1"));

    StringWriter out = new StringWriter();
    assertEquals(0, new CommandLine(new UpgradeHoldCommand()).setOut(new PrintWriter(out))
        .execute("--via", endpoint, "--token-file", TOKENS.toString()));
    assertTrue(out.toString().contains("version gate HELD cluster-wide"), out.toString());
    assertTrue(out.toString().contains("every reachable member confirmed it"), out.toString());
    node.createTestProbe().awaitAssert(Duration.ofSeconds(30), () -> {
      assertTrue(JSON.readTree(fetch(endpoint, "/upgrade").body()).at("/held").asBoolean());
      return null;
    });
    assertTrue(fetch(endpoint, "/metrics").body().contains("baton_upgrade_held 1"));
    assertTrue(runStatusCommand("--node", endpoint).contains("Upgrade      gate HELD"));

    out = new StringWriter();
    assertEquals(0, new CommandLine(new UpgradeReleaseCommand()).setOut(new PrintWriter(out))
        .execute("--via", endpoint, "--token-file", TOKENS.toString()));
    assertTrue(out.toString().contains("version gate released cluster-wide"), out.toString());
    node.createTestProbe().awaitAssert(Duration.ofSeconds(30), () -> {
      assertFalse(JSON.readTree(fetch(endpoint, "/status").body()).at("/upgrade/held")
          .asBoolean());
      return null;
    });
    assertTrue(fetch(endpoint, "/metrics").body().contains("baton_upgrade_held 0"));
  }

  private static JsonNode classAt(JsonNode gate, String className) {
    for (JsonNode entry : gate.at("/classes")) {
      if (entry.at("/className").asText().equals(className)) {
        return entry;
      }
    }
    throw new AssertionError(className + " is not in " + gate);
  }

  /** A lone node reports itself, its ring of one, under-replication and its journal writes. */
  @Test
  void singleNodeServesStatusMetricsAndHealth() throws Exception {
    ActorTestKit node = startNode("a", null);
    awaitUp(node, 1);
    persist(node, "tally-1", 3);
    String self = Cluster.get(node.system()).selfMember().address().toString();
    String endpoint = endpoint(node);

    HttpResponse<String> statusResponse = fetch(endpoint, "/status");
    assertEquals(200, statusResponse.statusCode());
    assertTrue(statusResponse.headers().firstValue("Content-Type").orElse("")
        .startsWith("application/json"));
    JsonNode status = JSON.readTree(statusResponse.body());
    assertEquals(self, status.at("/node/address").asText());
    assertEquals("Up", status.at("/node/status").asText());
    assertFalse(status.at("/node/version").asText().isEmpty());
    assertTrue(status.at("/node/uptimeSeconds").isNumber());
    assertEquals(1, status.at("/members").size());
    assertEquals("Up", status.at("/members/0/status").asText());
    assertTrue(status.at("/members/0/reachable").asBoolean());
    assertEquals(List.of(self), List.of(status.at("/ring/0").asText()));
    assertEquals(1, status.at("/nodes").size());
    assertEquals(self, status.at("/nodes/0/address").asText());
    assertEquals(1, status.at("/nodes/0/ringPosition").asInt());
    assertTrue(status.at("/nodes/0/answered").asBoolean(), status.toString());
    assertEquals("test-1.2.3", status.at("/nodes/0/appVersion").asText());
    assertEquals(0, status.at("/nodes/0/shardCount").asInt());
    assertEquals(0, status.at("/progress/drains").size());
    assertEquals("SYNC", status.at("/replication/mode").asText());
    assertEquals(2, status.at("/replication/factor").asInt());
    assertEquals(0, status.at("/replication/replicas").size());
    assertTrue(status.at("/replication/underReplicated").asBoolean(),
        "factor 2 on a ring of one is under-replicated");
    assertEquals(0, status.at("/replication/inFlight").asLong());
    assertTrue(status.at("/store/records").asLong() >= 3, status.toString());

    // Supervisor reports are counted, tagged by the supervisor's path.
    TestProbe<Object> supervisor = node.createTestProbe("sup");
    node.system().eventStream().tell(new EventStream.Publish<>(
        new SupervisorReport.ChildStarted(supervisor.ref(), "worker", supervisor.ref(), 2)));
    node.system().eventStream().tell(new EventStream.Publish<>(
        new SupervisorReport.ChildExited(supervisor.ref(), "worker",
            new ExitReason.Abnormal("java.lang.IllegalStateException", "boom", null))));
    String supervisorTag = supervisor.ref().path().toStringWithoutAddress();

    node.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
      try {
        HttpResponse<String> response = fetch(endpoint, "/metrics");
        assertEquals(200, response.statusCode());
        String metrics = response.body();
        assertTrue(sample(metrics, "baton_journal_events_written_total") >= 3);
        assertTrue(sample(metrics, "baton_journal_commit_groups_total") >= 1);
        assertTrue(sample(metrics, "baton_journal_commit_requests_total") >= 1);
        assertEquals(0, sample(metrics, "baton_journal_events_replicated_total"));
        assertEquals(0, sample(metrics, "baton_journal_replication_lag_events"));
        assertEquals(1, sample(metrics, "baton_journal_under_replicated"));
        assertEquals(1, sample(metrics, "baton_cluster_members{status=\"Up\"}"));
        assertEquals(0, sample(metrics, "baton_cluster_members_unreachable"));
        assertEquals(1, sample(metrics,
            "baton_supervisor_restarts_total{supervisor=\"" + supervisorTag + "\"}"));
        assertEquals(1, sample(metrics, "baton_supervisor_child_exits_total{reason=\"abnormal\","
            + "supervisor=\"" + supervisorTag + "\"}"));
        assertTrue(metrics.contains("jvm_memory_used_bytes"), "JVM meters");
        assertTrue(metrics.contains("process_uptime_seconds"), "process meters");
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      return null;
    });

    HttpResponse<String> health = fetch(endpoint, "/health");
    assertEquals(200, health.statusCode());
    assertTrue(health.body().startsWith("OK: Up"), health.body());

    String summary = runStatusCommand("--node", endpoint);
    assertTrue(summary.contains("* 1. " + self), summary);
    assertTrue(summary.contains("Replication  sync, factor 2, UNDER-REPLICATED"), summary);
    assertTrue(summary.contains("replicas   none"), summary);
    assertTrue(summary.contains("lag        0 event(s)"), summary);
    String json = runStatusCommand("--node", endpoint, "--json");
    assertEquals(self, JSON.readTree(json).at("/node/address").asText());
  }

  /** A node without a cluster shows itself alone and refuses drains with 409, saying why. */
  @Test
  void aNodeWithoutAClusterShowsItselfAndRefusesDrains() throws Exception {
    ActorTestKit node = ActorTestKit.create("alone", ConfigFactory.parseString("""
        pekko.actor.provider = local
        pekko.loglevel = WARNING
        baton.ops.enabled = on
        baton.ops.port = 0
        baton.ops.auth.token-file = "%s"
        """.formatted(TOKENS)).withFallback(ConfigFactory.load()));
    nodes.add(node);
    String endpoint = endpoint(node);
    JsonNode status = JSON.readTree(fetch(endpoint, "/status").body());
    assertEquals("Alone", status.at("/node/status").asText());
    assertEquals(1, status.at("/nodes").size());
    assertTrue(status.at("/nodes/0/answered").asBoolean(), status.toString());
    assertEquals(0, status.at("/nodes/0/shardCount").asInt());
    assertTrue(status.at("/replication").isNull());
    HttpResponse<String> drain = post(endpoint, "/drain/anything");
    assertEquals(409, drain.statusCode());
    assertTrue(drain.body().contains("without a cluster"), drain.body());
    assertEquals("no-cluster", JSON.readTree(drain.body()).path("error").asText(), drain.body());
    HttpResponse<String> nowhere = fetch(endpoint, "/no-such-path");
    assertEquals(404, nowhere.statusCode());
    assertEquals("not-found", JSON.readTree(nowhere.body()).path("error").asText(),
        "Pekko's own refusals answer Baton's JSON error too: " + nowhere.body());
    assertEquals(0, JSON.readTree(fetch(endpoint, "/drain").body()).at("/drains").size());
    assertTrue(fetch(endpoint, "/metrics").body().contains("baton_node_drained 0"));
  }

  /** A member without the endpoint is listed as not answering, without holding up the others. */
  @Test
  void aMemberWithoutTheEndpointIsShownAsNotAnswered() throws Exception {
    ActorTestKit a = startNode("a", null);
    ActorTestKit b = ActorTestKit.create("baton", ConfigFactory.parseString(
        "baton.ops.enabled = off").withFallback(nodeConfig(dir.resolve("b"))));
    nodes.add(b);
    Cluster.get(b.system()).manager().tell(Join.create(Cluster.get(a.system()).selfMember().address()));
    awaitUp(a, 2);
    String addressB = Cluster.get(b.system()).selfMember().address().toString();
    JsonNode status = JSON.readTree(fetch(endpoint(a), "/status").body());
    JsonNode nodeB = nodeIn(status, addressB);
    assertFalse(nodeB.at("/answered").asBoolean(), nodeB.toString());
    assertEquals("Up", nodeB.at("/status").asText());
    assertTrue(nodeB.at("/shardCount").isNull() && nodeB.at("/appVersion").isNull(), nodeB.toString());
    assertTrue(nodeIn(status, Cluster.get(a.system()).selfMember().address().toString())
        .at("/answered").asBoolean());
    assertTrue(runStatusCommand("--node", endpoint(a)).contains("Up; no report"));
  }

  /** A node that has not joined a cluster is not healthy, and says why. */
  @Test
  void nodeNotYetUpIsUnhealthy() throws Exception {
    ActorTestKit node = ActorTestKit.create("baton", nodeConfig(dir.resolve("lonely")));
    nodes.add(node);
    HttpResponse<String> health = fetch(endpoint(node), "/health");
    assertEquals(503, health.statusCode());
    assertTrue(health.body().startsWith("not serving: this node is"), health.body());
  }

  /** Two nodes: each shows the same ring, marks itself, and names the other as its replica. */
  @Test
  void twoNodesShowRingReplicasAndCatchUp() throws Exception {
    ActorTestKit a = startNode("a", null);
    ActorTestKit b = startNode("b", a);
    awaitUp(a, 2);
    awaitUp(b, 2);
    String addressA = Cluster.get(a.system()).selfMember().address().toString();
    String addressB = Cluster.get(b.system()).selfMember().address().toString();
    a.createTestProbe().awaitAssert(Duration.ofSeconds(15), () -> {
      assertEquals(List.of(addressB),
          io.baton.journal.replication.JournalReplication.get(a.system()).status().replicas());
      return null;
    });
    persist(a, "tally-2", 4);

    JsonNode statusA = JSON.readTree(fetch(endpoint(a), "/status").body());
    assertEquals(2, statusA.at("/members").size());
    assertEquals(2, statusA.at("/ring").size());
    assertEquals(addressB, statusA.at("/replication/replicas/0").asText());
    assertFalse(statusA.at("/replication/underReplicated").asBoolean());
    assertTrue(statusA.at("/replication/replicatedEvents").asLong() >= 4, statusA.toString());

    JsonNode statusB = JSON.readTree(fetch(endpoint(b), "/status").body());
    assertEquals(statusA.at("/ring"), statusB.at("/ring"), "both nodes see one ring");
    assertTrue(statusB.at("/store/records").asLong() >= 4, "b holds a's events as replica");

    String summary = runStatusCommand("--node", endpoint(b));
    assertTrue(summary.contains("* ") && summary.contains(addressB), summary);
    assertTrue(summary.contains("replicas   " + addressA), summary);
    assertTrue(summary.contains("Members      2, 0 unreachable"), summary);
    System.out.println(summary);
  }

  /**
   * Property: an operator drains a node over HTTP and sees, from another node, its shards fall to
   * zero while the other node takes them; the status shows every node's shards, entities, drain,
   * lag and versions; unknown and malformed nodes are refused with what to do; undrain clears it.
   */
  @Test
  @Timeout(120)
  void drainOverHttpEmptiesTheNodeAndStatusShowsEveryNodeAndTheProgress() throws Exception {
    try (InProcessCluster cluster = new InProcessCluster(dir, """
        baton.ops.enabled = on
        baton.ops.port = 0
        baton.ops.auth.token-file = "%s"
        baton.node.app-version = "test-1.2.3"
        pekko.cluster.sharding.rebalance-interval = 500ms
        """.formatted(TOKENS))) {
      int a = cluster.start("a");
      int b = cluster.start("b");
      cluster.awaitUp(2);
      ActorSystem<Void> systemA = cluster.system(a);
      ActorSystem<Void> systemB = cluster.system(b);
      startPlaces(systemA);
      startPlaces(systemB);
      String addressA = Cluster.get(systemA).selfMember().address().toString();
      String addressB = Cluster.get(systemB).selfMember().address().toString();
      // A new shard starts where its first message came from: half on each node.
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        ids.add("p" + i);
        where(i % 2 == 0 ? systemA : systemB, "p" + i);
      }
      String endpointA = "127.0.0.1:" + OperatorEndpoint.get(systemA).address()
          .toCompletableFuture().get().orElseThrow().getPort();
      String endpointB = "127.0.0.1:" + OperatorEndpoint.get(systemB).address()
          .toCompletableFuture().get().orElseThrow().getPort();

      // Status, asked of node a, shows both nodes with what they host.
      int[] onB = new int[1];
      cluster.kit(a).createTestProbe().awaitAssert(Duration.ofSeconds(20), () -> {
        try {
          JsonNode status = JSON.readTree(fetch(endpointA, "/status").body());
          assertEquals(2, status.at("/nodes").size(), status.toString());
          assertEquals(status.at("/ring/0").asText(), status.at("/nodes/0/address").asText(),
              "nodes in ring order");
          JsonNode nodeA = nodeIn(status, addressA);
          JsonNode nodeB = nodeIn(status, addressB);
          for (JsonNode node : List.of(nodeA, nodeB)) {
            assertTrue(node.at("/answered").asBoolean(), node.toString());
            assertEquals("test-1.2.3", node.at("/appVersion").asText());
            assertFalse(node.at("/drained").asBoolean());
            assertTrue(node.at("/replicationLag").isNumber(), node.toString());
            assertTrue(node.at("/messagesPerSecond").isNull(), "no load source installed");
          }
          assertEquals(12, nodeA.at("/entities").asLong() + nodeB.at("/entities").asLong(),
              status.toString());
          assertEquals(nodeB.at("/shardCount").asInt(), nodeB.at("/shards/place/count").asInt());
          assertTrue(nodeB.at("/shardCount").asInt() > 0, "b hosts shards: " + nodeB);
          assertEquals(0, status.at("/progress/drains").size());
          onB[0] = nodeB.at("/shardCount").asInt();
        } catch (Exception e) {
          throw new AssertionError(e);
        }
        return null;
      });
      assertEquals("test-1.2.3",
          JSON.readTree(fetch(endpointA, "/status").body()).at("/node/appVersion").asText());

      // Refusals say what to do.
      HttpResponse<String> unknown = post(endpointA, "/drain/nosuch-node");
      assertEquals(404, unknown.statusCode());
      assertTrue(unknown.body().contains(addressA) && unknown.body().contains(addressB),
          "the 404 lists the members: " + unknown.body());
      HttpResponse<String> malformed = post(endpointA, "/drain/" + encoded("no such!"));
      assertEquals(400, malformed.statusCode(), malformed.body());
      assertEquals("not-a-member", JSON.readTree(unknown.body()).path("error").asText(),
          unknown.body());
      assertEquals("bad-node-address", JSON.readTree(malformed.body()).path("error").asText(),
          malformed.body());

      // Drain b through a's endpoint.
      HttpResponse<String> accepted = post(endpointA, "/drain/" + encoded(addressB));
      assertEquals(202, accepted.statusCode(), accepted.body());
      JsonNode view = JSON.readTree(accepted.body());
      assertEquals(addressB, view.at("/requested").asText());
      assertTrue(view.at("/confirmedByAll").asBoolean(), "both nodes hold the drain: " + view);
      assertEquals(addressB, view.at("/drains/0/node").asText());
      assertEquals(onB[0], view.at("/drains/0/shardsAtStart").asInt(), view.toString());

      cluster.kit(a).createTestProbe().awaitAssert(Duration.ofSeconds(30),
          Duration.ofMillis(200), () -> {
            try {
              JsonNode drains = JSON.readTree(fetch(endpointA, "/drain").body());
              assertTrue(drains.at("/drains/0/complete").asBoolean(), drains.toString());
              assertEquals(0, drains.at("/drains/0/shardsLeft").asInt());
            } catch (Exception e) {
              throw new AssertionError(e);
            }
            return null;
          });
      JsonNode drainedStatus = JSON.readTree(fetch(endpointB, "/status").body());
      assertTrue(nodeIn(drainedStatus, addressB).at("/drained").asBoolean(),
          drainedStatus + "\n" + accepted.body());
      assertEquals(0, nodeIn(drainedStatus, addressB).at("/shardCount").asInt());
      assertTrue(drainedStatus.at("/progress/drains/0/complete").asBoolean());
      // The coordinator's strategy reports the drain round that moved B's shards.
      JsonNode rebalance = drainedStatus.at("/progress/rebalances/0");
      assertEquals(PLACE.name(), rebalance.at("/type").asText(), drainedStatus.toString());
      assertEquals("drain", rebalance.at("/lastRound/kind").asText(), rebalance.toString());
      assertEquals(addressB, rebalance.at("/lastRound/from").asText(), rebalance.toString());
      assertTrue(rebalance.at("/shardsMoved").asInt() >= onB[0], rebalance.toString());
      for (String id : ids) {
        assertEquals(addressA, where(systemB, id), id + " still answers, from a");
      }
      String metricsB = fetch(endpointB, "/metrics").body();
      assertEquals(1, sample(metricsB, "baton_node_drained"));
      assertEquals(0, sample(metricsB, "baton_drain_shards_left"));
      assertEquals(0, sample(metricsB, "baton_sharding_shards{type=\"place\"}"));
      String metricsA = fetch(endpointA, "/metrics").body();
      assertEquals(0, sample(metricsA, "baton_node_drained"));
      JsonNode statusA = JSON.readTree(fetch(endpointA, "/status").body());
      assertEquals(nodeIn(statusA, addressA).at("/shardCount").asDouble(),
          sample(metricsA, "baton_sharding_shards{type=\"place\"}"));
      assertEquals(12, sample(metricsA, "baton_sharding_entities{type=\"place\"}"));
      assertTrue(metricsA.contains("baton_node_info{app_version=\"test-1.2.3\""), metricsA);

      // The command line sees it complete at once; the summary shows it.
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      assertEquals(0, run(out, err, new DrainCommand(), addressB, "--via", endpointB, "--wait",
          "--timeout", "20s"), err::toString);
      assertTrue(out.toString().contains("complete, it holds no shard"), out.toString());
      String summary = runStatusCommand("--node", endpointA);
      assertTrue(summary.contains(addressB + " DRAINED"), summary);
      assertTrue(summary.contains("drain      " + addressB + ": complete"), summary);
      System.out.println(summary);

      // A load source plugs in per node; a failing one leaves the load unknown, not the status.
      List<String> shardsOfA = new ArrayList<>();
      nodeIn(statusA, addressA).at("/shards/place/hosted")
          .forEach(shard -> shardsOfA.add(shard.at("/id").asText()));
      java.util.Map<String, Double> perShard = new java.util.HashMap<>();
      shardsOfA.forEach(id -> perShard.put(id, 1.5));
      OperatorEndpoint.get(systemA).useLoadSource(() -> java.util.Map.of("place", perShard));
      OperatorEndpoint.get(systemB).useLoadSource(() -> {
        throw new IllegalStateException("meter broken");
      });
      JsonNode loaded = JSON.readTree(fetch(endpointB, "/status").body());
      assertEquals(1.5 * shardsOfA.size(),
          nodeIn(loaded, addressA).at("/messagesPerSecond").asDouble(), 1e-9, loaded.toString());
      assertEquals(1.5, nodeIn(loaded, addressA).at("/shards/place/hosted/0/messagesPerSecond")
          .asDouble(), 1e-9);
      assertTrue(nodeIn(loaded, addressB).at("/answered").asBoolean());
      assertTrue(nodeIn(loaded, addressB).at("/messagesPerSecond").isNull());

      // Undrain by host:port, through b's own endpoint.
      String hostPort = addressB.substring(addressB.indexOf('@') + 1);
      out = new StringWriter();
      err = new StringWriter();
      assertEquals(0, run(out, err, new UndrainCommand(), hostPort, "--via",
          "http://" + endpointB), err::toString);
      assertTrue(out.toString().contains("undrain of " + addressB + " requested"), out.toString());
      cluster.kit(a).createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
        try {
          JsonNode after = JSON.readTree(fetch(endpointA, "/drain").body());
          assertEquals(0, after.at("/drains").size(), after.toString());
          assertFalse(nodeIn(JSON.readTree(fetch(endpointA, "/status").body()), addressB)
              .at("/drained").asBoolean());
        } catch (Exception e) {
          throw new AssertionError(e);
        }
        return null;
      });
    }
  }
}
