package io.baton.upgrade.rolling.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.ops.NodeStatus;
import io.baton.upgrade.rolling.ClusterProbe;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link ClusterProbe} over the operator endpoints' HTTP API ({@code io.baton.ops
 * .OperatorEndpoint}), with the JDK's HTTP client; every request bounded by the timeout.
 * Immutable and safe to share.
 */
public final class HttpClusterProbe implements ClusterProbe {

  private static final ObjectMapper JSON = new ObjectMapper()
      .findAndRegisterModules()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Duration timeout;
  private final HttpClient client;
  private final Optional<String> token;

  public HttpClusterProbe(Duration timeout) {
    this(timeout, Optional.empty());
  }

  /** Sends {@code token}, if present, as the bearer token of every request (baton.ops.auth). */
  public HttpClusterProbe(Duration timeout, Optional<String> token) {
    this.timeout = timeout;
    this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    this.token = Objects.requireNonNull(token, "token");
  }

  @Override
  public NodeStatus status(String endpoint) throws ProbeException {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri(endpoint, "/status"))
        .timeout(timeout).GET().build());
    if (response.statusCode() != 200) {
      throw new ProbeException(endpoint + "/status answered HTTP " + response.statusCode() + ": "
          + response.body().strip());
    }
    try {
      return JSON.readValue(response.body(), NodeStatus.class);
    } catch (IOException e) {
      throw new ProbeException(endpoint + "/status did not answer a status document ("
          + e.getMessage() + "): is it a Baton operator endpoint?", e);
    }
  }

  @Override
  public List<ActiveVersion> activeVersions(String endpoint) throws ProbeException {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri(endpoint, "/status"))
        .timeout(timeout).GET().build());
    if (response.statusCode() != 200) {
      throw new ProbeException(endpoint + "/status answered HTTP " + response.statusCode() + ": "
          + response.body().strip());
    }
    JsonNode gate;
    try {
      gate = JSON.readTree(response.body()).path("upgrade");
    } catch (IOException e) {
      throw new ProbeException(endpoint + "/status is not JSON (" + e.getMessage() + ")", e);
    }
    if (!gate.isObject() || !gate.path("enabled").asBoolean(false)) {
      return null;
    }
    List<ActiveVersion> versions = new ArrayList<>();
    for (JsonNode type : gate.path("classes")) {
      JsonNode active = type.path("active");
      Integer oldestWritable = null;
      for (JsonNode member : type.path("members")) {
        int writable = member.path("oldestWritable").asInt(Integer.MAX_VALUE);
        oldestWritable = oldestWritable == null ? writable : Math.min(oldestWritable, writable);
      }
      versions.add(new ActiveVersion(type.path("className").asText(),
          active.isInt() ? active.asInt() : null, oldestWritable));
    }
    return versions;
  }

  @Override
  public String unhealthy(String endpoint) {
    try {
      HttpResponse<String> response = send(HttpRequest.newBuilder(uri(endpoint, "/health"))
          .timeout(timeout).GET().build());
      return response.statusCode() == 200 ? null
          : "HTTP " + response.statusCode() + " " + response.body().strip();
    } catch (ProbeException e) {
      return e.getMessage();
    }
  }

  @Override
  public void drain(String endpoint, String node) throws ProbeException {
    post(endpoint, "drain", node);
  }

  @Override
  public void undrain(String endpoint, String node) throws ProbeException {
    post(endpoint, "undrain", node);
  }

  private void post(String endpoint, String action, String node) throws ProbeException {
    String segment = URLEncoder.encode(node, StandardCharsets.UTF_8).replace("+", "%20");
    HttpResponse<String> response = send(HttpRequest.newBuilder(
        uri(endpoint, "/" + action + "/" + segment))
        .timeout(timeout).POST(HttpRequest.BodyPublishers.noBody()).build());
    if (response.statusCode() != 202) {
      throw new ProbeException(endpoint + " refused " + action + " of " + node + ": HTTP "
          + response.statusCode() + " " + response.body().strip());
    }
  }

  private static URI uri(String endpoint, String path) {
    return URI.create("http://" + endpoint + path);
  }

  private HttpResponse<String> send(HttpRequest unauthorized) throws ProbeException {
    HttpRequest request = token.map(value -> HttpRequest.newBuilder(unauthorized,
        (name, v) -> true).header("Authorization", "Bearer " + value).build())
        .orElse(unauthorized);
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new ProbeException("cannot reach " + request.uri() + " (" + e + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProbeException("interrupted while asking " + request.uri(), e);
    }
  }
}
