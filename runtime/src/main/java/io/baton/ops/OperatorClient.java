package io.baton.ops;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The commands' side of the operator endpoint: one node's base URI and the requests the commands
 * make. Immutable; one JDK {@link HttpClient} per instance.
 */
final class OperatorClient {

  /** An endpoint's answer. */
  record Answer(int status, String body) {
    /**
     * The body for a person: the {@code "message"} of Baton's JSON error body (its {@code "error"}
     * code in brackets), else the body as it came; one line, no trailing newline.
     */
    String text() {
      try {
        var node = JSON.readTree(body);
        if (node != null && node.hasNonNull("message")) {
          String error = node.path("error").asText("");
          return node.get("message").asText() + (error.isEmpty() ? "" : " [" + error + "]");
        }
      } catch (java.io.IOException | RuntimeException notJson) {
        // Not a JSON error body: show it as it is.
      }
      return body.strip();
    }
  }

  /** The endpoint could not be reached; the message says where and what to check. */
  static final class Unreachable extends Exception {
    Unreachable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static final Pattern VIA = Pattern.compile("(https?://)?([^/:\\s]+):([0-9]{1,5})/?");

  static final ObjectMapper JSON = new ObjectMapper()
      .findAndRegisterModules()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final URI base;
  private final Duration timeout;
  private final HttpClient client;
  private final Optional<String> token;

  private OperatorClient(URI base, Duration timeout, Optional<String> token) {
    this.base = base;
    this.timeout = timeout;
    this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    this.token = token;
  }

  /**
   * A client of the endpoint {@code via} names ({@code host:port} or {@code http://host:port}),
   * sending {@code token} as its bearer token, if present.
   *
   * @throws IllegalArgumentException saying what is allowed, when {@code via} is not one
   */
  static OperatorClient of(String via, Duration timeout, Optional<String> token) {
    var matcher = VIA.matcher(via == null ? "" : via.strip());
    if (!matcher.matches()) {
      throw new IllegalArgumentException("'" + via + "' is not an operator endpoint: write"
          + " host:port or http://host:port (baton.ops.host and baton.ops.port of a node)");
    }
    int port = Integer.parseInt(matcher.group(3));
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("'" + via + "': port " + port + " is out of range 1-65535");
    }
    String scheme = matcher.group(1) == null ? "http://" : matcher.group(1).toLowerCase(Locale.ROOT);
    return new OperatorClient(URI.create(scheme + matcher.group(2) + ":" + port), timeout,
        token);
  }

  URI base() {
    return base;
  }

  Answer get(String path) throws Unreachable, InterruptedException {
    return send(authorized(HttpRequest.newBuilder(base.resolve(path))).timeout(timeout).GET()
        .build());
  }

  /** POSTs to {@code action/<node>}, the node URL-encoded as one path segment. */
  Answer post(String action, String node) throws Unreachable, InterruptedException {
    String segment = URLEncoder.encode(node, StandardCharsets.UTF_8).replace("+", "%20");
    return send(authorized(HttpRequest.newBuilder(base.resolve("/" + action + "/" + segment)))
        .timeout(timeout).POST(HttpRequest.BodyPublishers.noBody()).build());
  }

  private HttpRequest.Builder authorized(HttpRequest.Builder request) {
    token.ifPresent(value -> request.header("Authorization", "Bearer " + value));
    return request;
  }

  private Answer send(HttpRequest request) throws Unreachable, InterruptedException {
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new Unreachable("cannot reach " + request.uri() + " (" + e + "): is the node running"
          + " with baton.ops.enabled = on, and is --via its baton.ops host:port?", e);
    }
  }
}
