package io.baton.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The wire format shared by {@link HttpEntryPoint} and {@link HttpTransport}: header names and the
 * JSON shape of a {@link Reply}. A reply is one object, the result in plain JSON (its type is
 * known to the caller):
 *
 * <pre>
 * {"reply": "applied",         "requestId": "...", "result": ...}     200 OK
 * {"reply": "already-applied", "requestId": "...", "result": ...}     200 OK
 * {"reply": "rejected",        "requestId": "...", "reason": "..."}   409 Conflict
 * </pre>
 */
final class HttpProtocol {

  /** The idempotency key: required, the same on every attempt. */
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  /** When the client first issued the request, epoch milliseconds; optional (default: now). */
  static final String ISSUED_AT = "Baton-Issued-At";

  /** After this instant (epoch milliseconds) the client has given up; optional. */
  static final String DEADLINE = "Baton-Deadline";

  private HttpProtocol() {}

  static ObjectNode toJson(ObjectMapper json, Reply<?> reply) {
    ObjectNode node = json.createObjectNode();
    if (reply instanceof Reply.Applied<?> applied) {
      node.put("reply", "applied").put("requestId", applied.requestId());
      node.set("result", json.valueToTree(applied.result()));
    } else if (reply instanceof Reply.AlreadyApplied<?> already) {
      node.put("reply", "already-applied").put("requestId", already.requestId());
      node.set("result", json.valueToTree(already.result()));
    } else {
      Reply.Rejected<?> rejected = (Reply.Rejected<?>) reply;
      node.put("reply", "rejected").put("requestId", rejected.requestId())
          .put("reason", rejected.reason());
    }
    return node;
  }

  static <R> Reply<R> fromJson(ObjectMapper json, JsonNode node, Class<R> resultType)
      throws java.io.IOException {
    String kind = node.path("reply").asText();
    String requestId = node.path("requestId").asText();
    return switch (kind) {
      case "applied" -> new Reply.Applied<>(requestId,
          json.treeToValue(node.get("result"), resultType));
      case "already-applied" -> new Reply.AlreadyApplied<>(requestId,
          json.treeToValue(node.get("result"), resultType));
      case "rejected" -> new Reply.Rejected<>(requestId, node.path("reason").asText());
      default -> throw new java.io.IOException("not a Baton reply (\"reply\" is '" + kind + "'): "
          + node);
    };
  }
}
