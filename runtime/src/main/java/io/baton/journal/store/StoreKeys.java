package io.baton.journal.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The key layout, shared by every column family.
 *
 * <pre>
 *   pid key      = int32 length of the UTF-8 persistence id (big-endian) ++ UTF-8 persistence id
 *   sequence key = pid key ++ int64 sequence number (big-endian)
 * </pre>
 *
 * <p>RocksDB orders keys bytewise. The length prefix makes every pid key a distinct prefix of no
 * other pid key (two pids of equal length differ in their bytes; of different lengths, in their
 * first four bytes), so the keys of one persistence id are contiguous. Sequence numbers are never
 * negative, so their big-endian bytes order like the numbers: a range read is one iterator
 * between two keys. The exclusive upper bound {@code sequenceKey(pid, to + 1)} stays correct for
 * {@code to = Long.MAX_VALUE}: the bytes of {@code Long.MIN_VALUE}, compared unsigned, sort after
 * every non-negative number.
 */
final class StoreKeys {

  private StoreKeys() {}

  static void requirePersistenceId(String persistenceId) {
    if (persistenceId == null || persistenceId.isEmpty()) {
      throw new IllegalArgumentException(
          "persistenceId is " + (persistenceId == null ? "null" : "empty")
              + ": it must be a non-empty string");
    }
  }

  static byte[] pidKey(String persistenceId) {
    byte[] utf8 = persistenceId.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(4 + utf8.length).putInt(utf8.length).put(utf8).array();
  }

  /** The persistence id a key starts with. */
  static String persistenceId(byte[] key) {
    ByteBuffer buffer = ByteBuffer.wrap(key);
    int length = buffer.getInt();
    return new String(key, 4, length, StandardCharsets.UTF_8);
  }

  static byte[] sequenceKey(byte[] pidKey, long sequenceNr) {
    return ByteBuffer.allocate(pidKey.length + 8).put(pidKey).putLong(sequenceNr).array();
  }

  static byte[] sequenceKey(String persistenceId, long sequenceNr) {
    return sequenceKey(pidKey(persistenceId), sequenceNr);
  }

  /** The sequence number at the end of a sequence key. */
  static long sequenceNr(byte[] sequenceKey) {
    return ByteBuffer.wrap(sequenceKey, sequenceKey.length - 8, 8).getLong();
  }

  /** The exclusive upper bound of sequence numbers up to {@code to} inclusive. */
  static byte[] upperBound(byte[] pidKey, long to) {
    return sequenceKey(pidKey, to + 1); // to == Long.MAX_VALUE wraps to 0x80.., see class doc
  }
}
