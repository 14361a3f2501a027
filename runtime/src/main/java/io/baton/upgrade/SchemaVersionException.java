package io.baton.upgrade;

import java.io.NotSerializableException;

/**
 * Data this node cannot read or write at the version asked: written by a newer (or much older)
 * release, or of a class this node does not know. The message names the class, the version found
 * and the versions this node supports, and says what to do. Baton never drops or guesses such
 * data: the read (a replay, a message) fails with this exception.
 *
 * <p>It is a {@link NotSerializableException} (checked), as Pekko expects from a serializer that
 * cannot handle a payload: remoting then drops the message with this error logged, and a journal
 * replay fails the recovery of the entity with it.
 */
public final class SchemaVersionException extends NotSerializableException {

  private final String className;
  private final int foundVersion;

  SchemaVersionException(String message, String className, int foundVersion) {
    super(message);
    this.className = className;
    this.foundVersion = foundVersion;
  }

  /** Creates one; for Baton's serializer. */
  public static SchemaVersionException of(String message, String className, int foundVersion) {
    return new SchemaVersionException(message, className, foundVersion);
  }

  /** The class name as written in the data. */
  public String className() {
    return className;
  }

  /** The schema version found in the data (or asked for, on a write). */
  public int foundVersion() {
    return foundVersion;
  }
}
