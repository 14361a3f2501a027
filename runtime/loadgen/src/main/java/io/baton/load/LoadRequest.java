package io.baton.load;

import java.util.Objects;

/**
 * One logical request to a Baton entity over HTTP: {@code POST /entities/{type}/{id}} with {@code
 * body} (JSON) under the idempotency key {@code key}, which every attempt and every {@linkplain
 * OpenLoopGenerator#resolve re-send} carries unchanged.
 *
 * @param type the entity type as exposed by the node (e.g. {@code account})
 * @param id the entity id
 * @param body the payload as JSON text
 * @param key the idempotency key, unique per logical operation
 */
public record LoadRequest(String type, String id, String body, String key) {

  /** Validates: type and id are non-blank path segments, body and key non-blank. */
  public LoadRequest {
    requireSegment("type", type);
    requireSegment("id", id);
    Objects.requireNonNull(body, "body");
    if (body.isBlank()) {
      throw new IllegalArgumentException("body of " + type + "/" + id + " is blank: a request"
          + " carries its payload as JSON, e.g. {\"op\":\"balance\"}");
    }
    Objects.requireNonNull(key, "key");
    if (key.isBlank()) {
      throw new IllegalArgumentException("idempotency key of " + type + "/" + id + " is blank:"
          + " every request needs a key unique to its logical operation");
    }
  }

  /** A request to {@code type/id} with {@code body} and {@code key}. */
  public static LoadRequest of(String type, String id, String body, String key) {
    return new LoadRequest(type, id, body, key);
  }

  private static void requireSegment(String what, String value) {
    Objects.requireNonNull(value, what);
    if (value.isBlank() || value.contains("/") || value.contains("?") || value.contains("#")
        || value.chars().anyMatch(c -> c <= ' ' || c == '%')) {
      throw new IllegalArgumentException("entity " + what + " '" + value + "' is not a plain"
          + " URL path segment: use letters, digits, '-', '_', '.', ':' (no '/', '?', '#', '%',"
          + " spaces)");
    }
  }
}
