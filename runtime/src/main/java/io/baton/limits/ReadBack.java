package io.baton.limits;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;

/**
 * Proof, before a value is stored, that it can be read back: its bytes are parsed to the end by
 * the very factory (and so under the very {@code StreamReadConstraints}) that will read them at
 * replay. Jackson enforces its read limits on read only; it writes a 52,000-character property
 * name happily and then refuses to read it (PITFALLS.md), so an event written without this check
 * can brick its entity for good.
 */
public final class ReadBack {

  private ReadBack() {}

  /**
   * Parses {@code bytes} with {@code factory}; fails with {@link LimitExceededException} naming
   * the limit if a reader would refuse them.
   *
   * @param what what the bytes are, for the message (e.g. "event com.example.Deposited")
   */
  public static void check(JsonFactory factory, byte[] bytes, String what) {
    try (JsonParser parser = factory.createParser(bytes)) {
      while (parser.nextToken() != null) {
        // every token is checked against the factory's read constraints as it is parsed
      }
    } catch (StreamConstraintsException e) {
      String limit = limitOf(e.getOriginalMessage());
      throw new LimitExceededException(limit, what + " could be written but never read back,"
          + " so it is refused: " + e.getOriginalMessage() + " (limit: " + limit + ")", e);
    } catch (IOException e) {
      throw new LimitExceededException(Limits.JACKSON_READ, what + " cannot be read back: "
          + e.getMessage(), e);
    }
  }

  /** The configuration key of the read constraint a Jackson message is about. */
  public static String limitOf(String jacksonMessage) {
    String message = String.valueOf(jacksonMessage).toLowerCase(java.util.Locale.ROOT);
    String key;
    if (message.contains("name length")) {
      key = "max-name-length";
    } else if (message.contains("string value length") || message.contains("string length")) {
      key = "max-string-length";
    } else if (message.contains("number value length") || message.contains("number length")) {
      key = "max-number-length";
    } else if (message.contains("nesting depth")) {
      key = "max-nesting-depth";
    } else if (message.contains("document length")) {
      key = "max-document-length";
    } else {
      return Limits.JACKSON_READ;
    }
    return Limits.JACKSON_READ + "." + key;
  }
}
