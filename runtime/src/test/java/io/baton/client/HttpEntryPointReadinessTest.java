package io.baton.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;

import io.baton.journal.InProcessCluster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a node cannot reach entities, its entry point says so at once, so that the client goes to
 * another node instead of waiting here. Before the node is Up it refuses with {@code not-serving}
 * (its shard regions would hold the request until it is Up), and serves once Up. And a client's
 * keep-alive connection to a node that stops is not left waiting for an
 * entity the node no longer reaches. Once the node's coordinated shutdown has begun, a request on
 * a connection that was open before is answered at once with a retryable refusal, or finds the
 * connection closed, so the client goes to another node; it never gets the entity's {@code
 * no-answer} 503 after the ask timeout (which is what unbinding alone gave: the connection stayed
 * open and the request waited for a shard region that had stopped).
 */
@Timeout(120)
class HttpEntryPointReadinessTest {

  @TempDir Path dir;

  @Test
  void aNodeThatIsNotUpRefusesWithNotServingAndServesOnceUp() throws Exception {
    ActorTestKit kit = ActorTestKit.create("baton", ConfigFactory.parseString("""
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical.hostname = "127.0.0.1"
        pekko.remote.artery.canonical.port = 0
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
        pekko.persistence.journal.plugin = "pekko.persistence.journal.inmem"
        pekko.persistence.snapshot-store.plugin = "pekko.persistence.snapshot-store.local"
        pekko.persistence.snapshot-store.local.dir = "%s"
        baton.client.http.enabled = on
        baton.client.http.port = 0
        pekko.loglevel = WARNING
        """.formatted(dir.toString().replace("\\", "/"))).withFallback(ConfigFactory.load()));
    try {
      ActorSystem<Void> system = kit.system();
      ClusterSharding.get(system).init(Entity.of(Account.TYPE_KEY, ctx ->
          Account.create(ctx.getEntityId(), Retention.defaults(), Clock.systemUTC())));
      HttpEntryPoint.get(system).expose(Account.TYPE_KEY, Long.class, Account.Deposit::new);
      int port = HttpEntryPoint.get(system).address().toCompletableFuture()
          .get(10, TimeUnit.SECONDS).orElseThrow().getPort();

      try (Socket connection = connect(port)) {
        Answer before = exchange(connection, port, "before-up");
        assertEquals(503, before.status(), before.toString());
        assertTrue(before.body().contains("\"error\":\"not-serving\""), before.toString());
      }

      Cluster cluster = Cluster.get(system);
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
      TestProbe<Void> probe = kit.createTestProbe();
      probe.awaitAssert(Duration.ofSeconds(30), () -> {
        assertEquals(MemberStatus.up(), cluster.selfMember().status());
        return null;
      });
      try (Socket connection = connect(port)) {
        Answer once = exchange(connection, port, "once-up");
        assertEquals(200, once.status(), once.toString());
      }
    } finally {
      kit.shutdownTestKit();
    }
  }

  @Test
  void aRequestOnAnOpenConnectionOfAStoppingNodeIsRefusedOrFindsItClosedNotLeftWaiting()
      throws Exception {
    try (InProcessCluster cluster = new InProcessCluster(dir, """
            baton.journal.fsync = off
            baton.client.http.enabled = on
            baton.client.http.port = 0
            """)) {
      ActorSystem<Void> system = cluster.system(cluster.start("node0"));
      cluster.awaitUp(1);
      ClusterSharding.get(system).init(Entity.of(Account.TYPE_KEY, ctx ->
          Account.create(ctx.getEntityId(), Retention.defaults(), Clock.systemUTC())));
      HttpEntryPoint.get(system).expose(Account.TYPE_KEY, Long.class, Account.Deposit::new);
      int port = HttpEntryPoint.get(system).address().toCompletableFuture()
          .get(10, TimeUnit.SECONDS).orElseThrow().getPort();

      // Hold the shutdown just before the actor system terminates: the shard region has stopped,
      // the server still runs.
      CompletableFuture<Done> reached = new CompletableFuture<>();
      CompletableFuture<Done> release = new CompletableFuture<>();
      CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
      shutdown.addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "test-hold", () -> {
        reached.complete(Done.getInstance());
        return release;
      });

      try (Socket connection = connect(port)) {
        assertEquals(200, exchange(connection, port, "before-stop").status(),
            "the first request on the connection is served");

        shutdown.runAll(CoordinatedShutdown.unknownReason());
        reached.get(60, TimeUnit.SECONDS);
        try {
          Answer after = exchange(connection, port, "after-stop");
          assertEquals(503, after.status(), "refused, so the client retries elsewhere: " + after);
          assertFalse(after.body().contains("no-answer"),
              "refused by the stopping server, not after waiting for the entity: " + after);
          assertEquals("close", after.header("connection"), "and the connection closed: " + after);
        } catch (IOException closed) {
          // The connection was closed (idle connections are closed when the server stops): the
          // client sees it at once and retries elsewhere. That is what this test accepts.
        }
      } finally {
        release.complete(Done.getInstance());
      }
    }
  }

  private static Socket connect(int port) throws IOException {
    Socket connection = new Socket();
    connection.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    connection.setSoTimeout(30_000);
    return connection;
  }

  /** One response: its status, its headers as raw lines, its body. */
  private record Answer(int status, String headers, String body) {
    String header(String name) {
      for (String line : headers.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
          return line.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
        }
      }
      return null;
    }
  }

  /** Sends one deposit on the connection (HTTP/1.1, kept alive) and reads its whole response. */
  private static Answer exchange(Socket connection, int port, String key) throws IOException {
    byte[] body = "5".getBytes(StandardCharsets.UTF_8);
    String head = "POST /entities/account/stop-test HTTP/1.1\r\n"
        + "Host: 127.0.0.1:" + port + "\r\n"
        + "Idempotency-Key: " + key + "\r\n"
        + "Baton-Deadline: " + (System.currentTimeMillis() + 60_000) + "\r\n"
        + "Content-Type: application/json\r\n"
        + "Content-Length: " + body.length + "\r\n\r\n";
    OutputStream out = connection.getOutputStream();
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
    InputStream in = connection.getInputStream();
    String headers = readHead(in);
    int status = Integer.parseInt(headers.split(" ", 3)[1]);
    Answer partial = new Answer(status, headers, "");
    String length = partial.header("content-length");
    byte[] content = in.readNBytes(length == null ? 0 : Integer.parseInt(length));
    return new Answer(status, headers, new String(content, StandardCharsets.UTF_8));
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed");
      }
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }
}
