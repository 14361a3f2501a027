package io.baton.client;

import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The digest of a request's payload that an {@link AppliedRequest} keeps, so that an idempotency
 * key reused with another payload is recognised: SHA-256 over the payload's class name and its
 * canonical JSON (properties and map keys sorted), the first 16 bytes in Base64. Equal payloads
 * give equal digests on every node and across releases that keep the payload's JSON.
 */
final class PayloadDigest {

  private static final ObjectMapper CANONICAL = JsonMapper.builder()
      .findAndAddModules()
      .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
      .build();

  private PayloadDigest() {}

  /** The digest of {@code payload}; null if it has no JSON form (then no check is made). */
  static String of(Object payload) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(String.valueOf(payload == null ? null : payload.getClass().getName())
          .getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(CANONICAL.writeValueAsBytes(payload));
      byte[] digest = sha.digest();
      return Base64.getEncoder().withoutPadding().encodeToString(
          java.util.Arrays.copyOf(digest, 16));
    } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
      return null;
    }
  }
}
