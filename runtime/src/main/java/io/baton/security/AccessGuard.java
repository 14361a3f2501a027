package io.baton.security;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Puts an {@link EndpointAccess} in front of a Pekko HTTP route: each request is classified,
 * decided, and either passed on or answered 401/403 with {@code {"error": "<code>", "message":
 * "..."}} (and {@code WWW-Authenticate: Bearer} on 401).
 */
public final class AccessGuard {

  private static final ObjectMapper JSON = new ObjectMapper();

  private AccessGuard() {}

  /** {@code inner}, reachable only by the requests {@code access} allows. */
  public static Route protect(EndpointAccess access,
      Function<HttpRequest, EndpointAccess.Access> classify, Route inner) {
    return extractRequest(request -> {
      EndpointAccess.Decision decision = access.decide(classify.apply(request),
          header(request, "Authorization"), header(request, "Origin"), header(request, "Host"));
      if (decision instanceof EndpointAccess.Refused refused) {
        return complete(refusal(refused, access.path()));
      }
      return inner;
    });
  }

  /** The JSON error body Baton's endpoints answer with. */
  public static String errorBody(String error, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.put("error", error);
    body.put("message", message);
    return body.toString() + "\n";
  }

  /**
   * {@code inner}, with Pekko's own refusals (a wrong path or method, a body over a size limit,
   * a missing entity) answered as Baton's JSON error instead of Pekko's plain text.
   */
  public static Route withJsonRejections(java.util.function.Supplier<Route> inner) {
    return org.apache.pekko.http.javadsl.server.Directives.handleRejections(
        org.apache.pekko.http.javadsl.server.RejectionHandler.defaultHandler()
            .mapRejectionResponse(AccessGuard::asJsonError), inner);
  }

  /** A response of Pekko's default rejection handler (text), as Baton's JSON error. */
  static HttpResponse asJsonError(HttpResponse response) {
    String text = response.entity() instanceof org.apache.pekko.http.javadsl.model.HttpEntity.Strict
        strict ? strict.getData().utf8String() : response.status().reason();
    String code = switch (response.status().intValue()) {
      case 413 -> "request-too-large";
      case 404 -> "not-found";
      case 405 -> "method-not-allowed";
      case 415 -> "unsupported-media-type";
      default -> "bad-request";
    };
    return response.withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON,
        errorBody(code, text.strip())));
  }

  private static HttpResponse refusal(EndpointAccess.Refused refused, String path) {
    HttpResponse response = HttpResponse.create()
        .withStatus(StatusCodes.get(refused.status()))
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON,
            errorBody(refused.error(), refused.message())));
    if (refused.status() == 401) {
      response = response.addHeader(HttpHeader.parse("WWW-Authenticate",
          "Bearer realm=\"" + path + "\""));
    }
    return response;
  }

  private static Optional<String> header(HttpRequest request, String name) {
    return request.getHeader(name).map(HttpHeader::value);
  }
}
