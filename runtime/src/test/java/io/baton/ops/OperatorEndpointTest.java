package io.baton.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.baton.process.ExitReason;
import io.baton.supervision.SupervisorReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.cluster.MemberStatus;
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
        """.formatted(dir.toString().replace("\\", "/"))).withFallback(ConfigFactory.load());
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
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + node + path)).GET().build(),
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
        .execute(args);
    assertEquals(0, exit, () -> "baton-status failed: " + err);
    return out.toString();
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
}
