package io.baton.journal.store;

import io.baton.journal.store.CorruptRecordException.Kind;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The encoding of every stored value: a 9-byte header and the payload.
 *
 * <pre>
 *   byte   format  (0x01)
 *   int32  payload length (big-endian)
 *   int32  CRC32C of the payload (big-endian)
 *   bytes  payload
 * </pre>
 *
 * <p>{@link #decode} refuses a value whose format byte is unknown, whose length is not exactly
 * header + payload length (a truncated or torn value), or whose payload does not match its
 * checksum, with a {@link CorruptRecordException} naming the record.
 */
final class RecordFrame {

  static final byte FORMAT = 0x01;
  static final int HEADER = 9;

  private RecordFrame() {}

  static byte[] encode(byte[] payload) {
    return ByteBuffer.allocate(HEADER + payload.length)
        .put(FORMAT)
        .putInt(payload.length)
        .putInt(crc32c(payload, 0, payload.length))
        .put(payload)
        .array();
  }

  static byte[] encodeLongs(long... values) {
    ByteBuffer payload = ByteBuffer.allocate(8 * values.length);
    for (long v : values) {
      payload.putLong(v);
    }
    return encode(payload.array());
  }

  static byte[] decode(
      byte[] value, Path directory, Kind kind, String persistenceId, long sequenceNr) {
    String problem = check(value);
    if (problem != null) {
      throw new CorruptRecordException(directory, kind, persistenceId, sequenceNr, problem);
    }
    return Arrays.copyOfRange(value, HEADER, value.length);
  }

  static long[] decodeLongs(
      byte[] value, int count, Path directory, Kind kind, String persistenceId) {
    byte[] payload = decode(value, directory, kind, persistenceId, 0);
    if (payload.length != 8 * count) {
      throw new CorruptRecordException(directory, kind, persistenceId, 0,
          "payload has " + payload.length + " bytes, expected " + 8 * count);
    }
    ByteBuffer buffer = ByteBuffer.wrap(payload);
    long[] values = new long[count];
    for (int i = 0; i < count; i++) {
      values[i] = buffer.getLong();
    }
    return values;
  }

  /** Null when the value is sound, else what is wrong with it. */
  private static String check(byte[] value) {
    if (value.length < HEADER) {
      return "truncated: " + value.length + " bytes, shorter than the " + HEADER + "-byte header";
    }
    ByteBuffer header = ByteBuffer.wrap(value, 0, HEADER);
    byte format = header.get();
    if (format != FORMAT) {
      return "unknown format byte 0x" + Integer.toHexString(format & 0xff);
    }
    int length = header.getInt();
    int stored = header.getInt();
    if (length != value.length - HEADER) {
      return "truncated or torn: the header says " + length + " payload bytes but "
          + (value.length - HEADER) + " follow";
    }
    int computed = crc32c(value, HEADER, length);
    if (computed != stored) {
      return "checksum mismatch: stored CRC32C " + Integer.toHexString(stored)
          + ", computed " + Integer.toHexString(computed);
    }
    return null;
  }

  private static int crc32c(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }
}
