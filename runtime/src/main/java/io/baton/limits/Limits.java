package io.baton.limits;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.typesafe.config.Config;

/**
 * What a node accepts, so that it never acknowledges what it cannot keep or read back: the size
 * of a client's request body, of one serialized event, of an entity id, and the Jackson read
 * constraints (string, property-name and number length, nesting depth) that every reader of a
 * stored event applies. Read from {@code baton.limits} and {@code
 * pekko.serialization.jackson.read} (the one documented set, in the runtime's {@code
 * reference.conf}); an immutable value, validated when built.
 *
 * <p>The same limits are checked twice: at the client entry point, before anything is sent to
 * an entity, and when an event is serialized for the journal, before it is stored
 * (docs/decisions/0017-limits-and-integrity.md).
 *
 * @param maxRequestBytes most bytes of one HTTP request body ({@code baton.limits.max-request-bytes})
 * @param maxEventBytes most bytes of one serialized event ({@code baton.limits.max-event-bytes})
 * @param maxEntityIdLength most characters of an entity id ({@code
 *     baton.limits.max-entity-id-length})
 * @param read the Jackson read constraints of {@code pekko.serialization.jackson.read}
 */
public record Limits(long maxRequestBytes, long maxEventBytes, int maxEntityIdLength,
    StreamReadConstraints read) {

  /** The configuration block of Baton's own limits. */
  public static final String PATH = "baton.limits";

  /** The configuration block of Jackson's read constraints, which Pekko applies on read. */
  public static final String JACKSON_READ = "pekko.serialization.jackson.read";

  public Limits {
    positive("max-request-bytes", maxRequestBytes);
    positive("max-event-bytes", maxEventBytes);
    positive("max-entity-id-length", maxEntityIdLength);
  }

  private static void positive(String key, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(PATH + "." + key + " = " + value
          + " is invalid: it must be at least 1");
    }
  }

  /** The limits of a node's configuration (the root, with reference.conf). */
  public static Limits fromConfig(Config root) {
    Config read = root.getConfig(JACKSON_READ);
    StreamReadConstraints constraints = StreamReadConstraints.builder()
        .maxNestingDepth(read.getInt("max-nesting-depth"))
        .maxNumberLength(read.getInt("max-number-length"))
        .maxStringLength(read.getInt("max-string-length"))
        .maxNameLength(read.getInt("max-name-length"))
        .maxDocumentLength(read.getLong("max-document-length"))
        .build();
    Config own = root.getConfig(PATH);
    return new Limits(own.getBytes("max-request-bytes"), own.getBytes("max-event-bytes"),
        own.getInt("max-entity-id-length"), constraints);
  }

  /**
   * The constraints for JSON a client sends: those of stored events, with strings no longer than
   * a property name may be, because an entity may well turn a value it receives into a key of its
   * state or events (a map from names to amounts), and a key longer than {@code max-name-length}
   * could be written but never read back.
   */
  public StreamReadConstraints clientJson() {
    return read.rebuild()
        .maxStringLength(Math.min(read.getMaxStringLength(), read.getMaxNameLength()))
        .build();
  }

  /** Fails with {@link LimitExceededException} if {@code bytes} is larger than an event may be. */
  public void checkEventSize(long bytes, String what) {
    if (bytes > maxEventBytes) {
      throw new LimitExceededException(PATH + ".max-event-bytes", what + " is " + bytes
          + " bytes serialized, more than " + PATH + ".max-event-bytes = " + maxEventBytes
          + ": it is refused, not stored. Keep large data outside the entity's events (store a"
          + " reference), or raise the limit (it must stay below"
          + " pekko.remote.artery.advanced.maximum-frame-size, see docs/operations.md)");
    }
  }
}
