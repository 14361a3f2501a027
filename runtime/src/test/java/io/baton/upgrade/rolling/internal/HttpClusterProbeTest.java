package io.baton.upgrade.rolling.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.baton.upgrade.rolling.ClusterProbe;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link HttpClusterProbe} against a stand-in endpoint serving canned documents: the status, the
 * version gate (field {@code upgrade}, as docs/operations.md documents it), health, drain.
 */
@Timeout(30)
class HttpClusterProbeTest {

  private HttpServer server;
  private String endpoint;
  private final AtomicReference<String> status = new AtomicReference<>();
  private final AtomicReference<String> lastPost = new AtomicReference<>();

  @BeforeEach
  void serve() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.createContext("/status", exchange -> reply(exchange, 200, status.get()));
    server.createContext("/health", exchange -> reply(exchange, 503, "not serving: Joining\n"));
    server.createContext("/drain/", exchange -> {
      lastPost.set(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath());
      reply(exchange, 202, "{\"drains\":[]}");
    });
    server.createContext("/undrain/", exchange -> reply(exchange, 404, "no member x\n"));
    server.start();
    endpoint = "127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static void reply(com.sun.net.httpserver.HttpExchange exchange, int code, String body)
      throws java.io.IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(code, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private final HttpClusterProbe probe = new HttpClusterProbe(Duration.ofSeconds(5));

  /** Property: the gate gives per class its active version and the lowest writable version. */
  @Test
  void theVersionGateIsReadFromTheStatus() throws Exception {
    status.set("""
        {"node": {"address": "pekko://b@127.0.0.1:1", "name": "n1"}, "upgrade": {
          "enabled": true, "held": false, "waitingFor": [],
          "classes": [
            {"className": "A", "active": 2, "newest": 2, "pending": false, "behind": [],
             "members": {"pekko://b@127.0.0.1:1": {"current": 2, "oldestWritable": 1,
                                                    "oldestReadable": 1},
                         "pekko://b@127.0.0.1:2": {"current": 2, "oldestWritable": 2,
                                                    "oldestReadable": 1}}},
            {"className": "B", "active": null, "newest": 1, "pending": true, "behind": [],
             "members": {}}]}}
        """);
    assertEquals(List.of(new ClusterProbe.ActiveVersion("A", 2, 1),
        new ClusterProbe.ActiveVersion("B", null, null)), probe.activeVersions(endpoint));
    assertEquals("n1", probe.status(endpoint).node().name());
  }

  /** Property: a status without a gate, or with the gate off, reads as no gate. */
  @Test
  void aStatusWithoutAGateHasNone() throws Exception {
    status.set("{\"node\": {\"name\": \"n1\"}}");
    assertNull(probe.activeVersions(endpoint));
    status.set("{\"upgrade\": {\"enabled\": false, \"classes\": []}}");
    assertNull(probe.activeVersions(endpoint));
  }

  /** Property: health gives the reason of a 503, drain posts the node as one path segment, and
   * a refusal names the endpoint and the answer. */
  @Test
  void healthDrainAndRefusalsAreReported() throws Exception {
    assertEquals("HTTP 503 not serving: Joining", probe.unhealthy(endpoint));
    probe.drain(endpoint, "pekko://b@127.0.0.1:1");
    assertEquals("POST /drain/pekko%3A%2F%2Fb%40127.0.0.1%3A1", lastPost.get());
    ClusterProbe.ProbeException error = assertThrows(ClusterProbe.ProbeException.class,
        () -> probe.undrain(endpoint, "x"));
    assertTrue(error.getMessage().contains("HTTP 404 no member x"), error.getMessage());
    server.stop(0);
    assertTrue(probe.unhealthy(endpoint).startsWith("cannot reach"), probe.unhealthy(endpoint));
  }
}
