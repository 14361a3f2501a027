package io.baton.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The transport over HTTP, for clients outside the cluster: each attempt is one {@code POST
 * /entities/{type}/{id}} to a node's {@link HttpEntryPoint}. Its routes are the nodes' base
 * addresses ({@code http://host:port}), so a retry goes to the next node. A 200 or 409 answer is
 * the entity's reply; a 400, 413 or 422 refuses the request itself and is a final {@link
 * Reply.Rejected} whose reason is the body's error code and message ({@link #FINAL_REFUSALS}); any
 * other status, or no connection, fails the attempt (the client then retries with the same key
 * elsewhere). Uses the JDK's {@link HttpClient}: no actor system needed.
 *
 * <p>Immutable and thread-safe.
 *
 * @param <P> the payload type, written as JSON
 * @param <R> the result type, read from JSON
 */
public final class HttpTransport<P, R> implements RequestTransport<P, R> {

  private final List<URI> nodes;
  private final String entityType;
  private final Class<R> resultType;
  private final HttpClient http;
  private final ObjectMapper json;
  private final java.util.Optional<String> bearerToken;

  private HttpTransport(List<URI> nodes, String entityType, Class<R> resultType, HttpClient http,
      ObjectMapper json, java.util.Optional<String> bearerToken) {
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException("an HttpTransport needs at least one node address");
    }
    this.nodes = List.copyOf(nodes);
    this.entityType = Objects.requireNonNull(entityType, "entityType");
    this.resultType = Objects.requireNonNull(resultType, "resultType");
    this.http = Objects.requireNonNull(http, "http");
    this.json = Objects.requireNonNull(json, "json");
    this.bearerToken = Objects.requireNonNull(bearerToken, "bearerToken");
  }

  /**
   * A transport to entities of type {@code entityType} (the name of its {@code EntityTypeKey}),
   * through the nodes at {@code nodes} ({@code http://host:port}, one per node), reading results
   * as {@code resultType}.
   */
  public static <P, R> HttpTransport<P, R> create(List<URI> nodes, String entityType,
      Class<R> resultType) {
    return new HttpTransport<>(nodes, entityType, resultType,
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build(),
        new ObjectMapper().findAndRegisterModules()
            .disable(com.fasterxml.jackson.databind.SerializationFeature.FAIL_ON_EMPTY_BEANS),
        java.util.Optional.empty());
  }

  /**
   * This transport, sending {@code token} as {@code Authorization: Bearer <token>} with every
   * request (a token of the nodes' {@code baton.client.http.auth.token-file}).
   */
  public HttpTransport<P, R> withBearerToken(String token) {
    return new HttpTransport<>(nodes, entityType, resultType, http, json,
        java.util.Optional.of(token));
  }

  @Override
  public int routes() {
    return nodes.size();
  }

  @Override
  public CompletionStage<Reply<R>> send(int route, String entityId, Request<P> request,
      Duration timeout) {
    HttpRequest post;
    try {
      URI uri = nodes.get(route).resolve("/entities/"
          + URLEncoder.encode(entityType, StandardCharsets.UTF_8).replace("+", "%20") + "/"
          + URLEncoder.encode(entityId, StandardCharsets.UTF_8).replace("+", "%20"));
      HttpRequest.Builder builder = HttpRequest.newBuilder(uri);
      bearerToken.ifPresent(token -> builder.header("Authorization", "Bearer " + token));
      post = builder
          .timeout(timeout)
          .header("Content-Type", "application/json")
          .header(HttpProtocol.IDEMPOTENCY_KEY, request.requestId())
          .header(HttpProtocol.ISSUED_AT, Long.toString(request.issuedAtMillis()))
          .header(HttpProtocol.DEADLINE, Long.toString(request.deadlineMillis()))
          .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(request.payload())))
          .build();
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return http.sendAsync(post, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
      int status = response.statusCode();
      if (FINAL_REFUSALS.contains(status)) {
        // The request itself is refused (malformed, over a limit, its key reused): every node
        // answers the same, so retrying elsewhere only spends the deadline. Final, as Rejected.
        return new Reply.Rejected<>(request.requestId(), refusalReason(status, response.body()));
      }
      if (status != 200 && status != 409) {
        throw new HttpStatusException(status, nodes.get(route), response.body());
      }
      try {
        return HttpProtocol.fromJson(json, json.readTree(response.body()), resultType);
      } catch (IOException e) {
        throw new HttpStatusException(status, nodes.get(route),
            "unreadable reply: " + e.getMessage());
      }
    });
  }

  /**
   * Statuses that refuse the request itself, the same on every node: 400 (malformed: no key, bad
   * JSON, a bad entity id), 413 (over a limit of {@code baton.limits}), 422 (the idempotency key
   * was used for another payload). Not 404: an entity type may exist only on nodes of a newer
   * release during a rolling upgrade, so another node may accept it.
   */
  static final java.util.Set<Integer> FINAL_REFUSALS = java.util.Set.of(400, 413, 422);

  /** The reason of a final refusal: the body's stable {@code "error"} code and its message. */
  private String refusalReason(int status, String body) {
    try {
      var node = json.readTree(body);
      String code = node.path("error").asText("");
      if (!code.isEmpty()) {
        String message = node.path("message").asText("");
        return message.isEmpty() ? code : code + ": " + message;
      }
    } catch (IOException | RuntimeException notJson) {
      // Not Baton's JSON error body: the status says enough.
    }
    return "http-" + status + ": " + body.strip();
  }

  /** A node answered with a status that is not an entity's reply. */
  public static final class HttpStatusException extends RuntimeException {
    private final int status;

    HttpStatusException(int status, URI node, String body) {
      super("node " + node + " answered HTTP " + status + ": " + body.strip());
      this.status = status;
    }

    /** The HTTP status code. */
    public int status() {
      return status;
    }
  }
}
