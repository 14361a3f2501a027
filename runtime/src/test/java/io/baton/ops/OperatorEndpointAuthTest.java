package io.baton.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.baton.security.TestTokens;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Who may drive the operator endpoint (issue 11): against a real node's endpoint, an
 * unauthenticated, a read-only, a cross-origin and a DNS-rebound drain are refused with JSON
 * errors while an authorised one, and the drain command with its token file, work.
 */
@Timeout(60)
class OperatorEndpointAuthTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private ActorTestKit node;
  private int port;
  private String self;

  /** An answer read off the wire: status line code and body. */
  record Answer(int status, String head, String body) {}

  @BeforeEach
  void startNode() throws Exception {
    node = ActorTestKit.create("baton", ConfigFactory.parseString("""
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical.hostname = "127.0.0.1"
        pekko.remote.artery.canonical.port = 0
        pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
        pekko.loglevel = WARNING
        baton.ops.enabled = on
        baton.ops.port = 0
        baton.ops.auth.token-file = "%s"
        baton.ops.auth.read-token-file = "%s"
        """.formatted(TestTokens.operatorFile(dir), TestTokens.readOnlyFile(dir)))
        .withFallback(ConfigFactory.load()));
    Cluster cluster = Cluster.get(node.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    node.createTestProbe().awaitAssert(Duration.ofSeconds(30), () -> {
      assertEquals(MemberStatus.up(), cluster.selfMember().status());
      return null;
    });
    port = OperatorEndpoint.get(node.system()).address().toCompletableFuture().get()
        .orElseThrow().getPort();
    self = cluster.selfMember().address().toString();
  }

  @AfterEach
  void stopNode() {
    node.shutdownTestKit();
  }

  /** Sends one request with exactly these headers (the JDK client will not send a forged Host). */
  private Answer request(String method, String path, String... headers) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
      boolean host = false;
      for (String header : headers) {
        request.append(header).append("\r\n");
        host |= header.regionMatches(true, 0, "Host:", 0, 5);
      }
      if (!host) {
        request.append("Host: 127.0.0.1:").append(port).append("\r\n");
      }
      request.append("Content-Length: 0\r\nConnection: close\r\n\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      in.transferTo(bytes);
      String response = bytes.toString(StandardCharsets.UTF_8);
      int split = response.indexOf("\r\n\r\n");
      String head = response.substring(0, split);
      return new Answer(Integer.parseInt(head.split(" ")[1]), head,
          response.substring(split + 4));
    }
  }

  private String drainPath() {
    return "/drain/" + URLEncoder.encode(self, StandardCharsets.UTF_8);
  }

  private static String bearer(String token) {
    return "Authorization: Bearer " + token;
  }

  private static void assertError(Answer answer, int status, String error) throws Exception {
    assertEquals(status, answer.status(), answer.head() + "\n" + answer.body());
    assertTrue(answer.head().toLowerCase().contains("content-type: application/json"),
        answer.head());
    JsonNode body = JSON.readTree(answer.body());
    assertEquals(error, body.at("/error").asText(), answer.body());
    assertTrue(body.at("/message").asText().length() > 10, answer.body());
  }

  /**
   * Property: a drain without a token, with a wrong or read-only token, from a web page's origin
   * or through a rebound host name is refused and changes nothing; the operator's drain works.
   */
  @Test
  void onlyAnAuthorisedSameOriginDrainIsAccepted() throws Exception {
    Answer anonymous = request("POST", drainPath());
    assertError(anonymous, 401, "unauthenticated");
    assertTrue(anonymous.head().contains("WWW-Authenticate: Bearer"), anonymous.head());
    assertError(request("POST", drainPath(), bearer("wrong-token-0123456789abcdef")), 401,
        "invalid-token");
    assertError(request("POST", drainPath(), bearer(TestTokens.READER)), 403, "read-only-token");
    assertError(request("POST", drainPath(), bearer(TestTokens.OPERATOR),
        "Origin: http://evil.example"), 403, "cross-origin");
    assertError(request("POST", drainPath(), bearer(TestTokens.OPERATOR),
        "Host: rebound.evil.example:" + port), 403, "host-not-allowed");
    assertError(request("POST", "/upgrade/hold"), 401, "unauthenticated");

    Answer drains = request("GET", "/drain", bearer(TestTokens.READER));
    assertEquals(200, drains.status(), drains.body());
    assertEquals(0, JSON.readTree(drains.body()).at("/drains").size(),
        "no refused request drained anything: " + drains.body());

    Answer accepted = request("POST", drainPath(), bearer(TestTokens.OPERATOR),
        "Origin: http://127.0.0.1:" + port);
    assertEquals(202, accepted.status(), accepted.body());
    assertEquals(self, JSON.readTree(accepted.body()).at("/requested").asText());

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int undrain = new CommandLine(new UndrainCommand()).setOut(new PrintWriter(out))
        .setErr(new PrintWriter(err)).execute(self, "--via", "127.0.0.1:" + port,
            "--token-file", TestTokens.operatorFile(dir).toString());
    assertEquals(0, undrain, out + "\n" + err);
  }

  /** Property: reads need a token of either file; health stays open for probes. */
  @Test
  void readsNeedATokenAndHealthIsOpen() throws Exception {
    assertError(request("GET", "/status"), 401, "unauthenticated");
    assertError(request("GET", "/metrics", bearer("wrong-token-0123456789abcdef")), 401,
        "invalid-token");
    assertEquals(200, request("GET", "/status", bearer(TestTokens.READER)).status());
    assertEquals(200, request("GET", "/metrics", bearer(TestTokens.OPERATOR)).status());
    assertEquals(200, request("GET", "/health").status());

    List<String> args = new ArrayList<>(List.of("--node", "127.0.0.1:" + port));
    StringWriter err = new StringWriter();
    assertEquals(1, new CommandLine(new StatusCommand()).setOut(new PrintWriter(new StringWriter()))
        .setErr(new PrintWriter(err)).execute(args.toArray(String[]::new)));
    assertTrue(err.toString().contains("unauthenticated"), err.toString());
    args.addAll(List.of("--token-file", TestTokens.readOnlyFile(dir).toString()));
    StringWriter out = new StringWriter();
    assertEquals(0, new CommandLine(new StatusCommand()).setOut(new PrintWriter(out))
        .setErr(new PrintWriter(new StringWriter())).execute(args.toArray(String[]::new)),
        out.toString());
  }
}
