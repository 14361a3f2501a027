package io.baton.load;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stand-in for one node's {@code POST /entities/{type}/{id}} on 127.0.0.1 (ephemeral port), for
 * the generator's tests: it records every request it receives (in arrival order, with the time on
 * {@link System#nanoTime()}) and answers as its {@link Behaviour} says, which a test changes at
 * any time, e.g. to stall until released. By default it applies each key once, like an
 * idempotent entity: 200 {@code applied}, then 200 {@code already-applied}.
 */
final class StubEntryPoint implements AutoCloseable {

  /** One request as received. */
  record Received(long atNanos, String path, String key, String issuedAt, String deadline,
      String body) {}

  /** A status and body to answer. */
  record Response(int status, String body) {}

  /** How the stub answers a request; may block (each request has its own thread). */
  @FunctionalInterface
  interface Behaviour {
    Response answer(Received request, StubEntryPoint stub) throws InterruptedException;
  }

  /** Applies each key once, as an idempotent entity does. */
  static final Behaviour IDEMPOTENT = (request, stub) -> stub.apply(request);

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Set<String> applied = ConcurrentHashMap.newKeySet();
  private volatile Behaviour behaviour = IDEMPOTENT;

  private StubEntryPoint() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
    server.setExecutor(threads);
    server.createContext("/entities/", this::handle);
    server.start();
  }

  static StubEntryPoint start() throws IOException {
    return new StubEntryPoint();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  void behave(Behaviour next) {
    behaviour = next;
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  /** Applies the request's key once: 200 applied, or 200 already-applied if seen before. */
  Response apply(Received request) {
    String reply = applied.add(request.key()) ? "applied" : "already-applied";
    return new Response(200, "{\"reply\":\"" + reply + "\",\"requestId\":\"" + request.key()
        + "\",\"result\":{\"outcome\":\"accepted\",\"balance\":1}}");
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Received request = new Received(System.nanoTime(), exchange.getRequestURI().getPath(),
          exchange.getRequestHeaders().getFirst("Idempotency-Key"),
          exchange.getRequestHeaders().getFirst("Baton-Issued-At"),
          exchange.getRequestHeaders().getFirst("Baton-Deadline"), body);
      received.add(request);
      Response response;
      try {
        response = behaviour.answer(request, this);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(response.status(), bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    } catch (IOException e) {
      // The client gave up on this exchange (its attempt timed out): nothing to answer.
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
