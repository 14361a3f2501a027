package io.baton.journal.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteOptions;

/**
 * Tampers with a closed store's values through the plain RocksDB API, as a disk or a bug would:
 * opens the directory with all its column families, rewrites one value, closes.
 */
final class RawRocks {

  private RawRocks() {}

  /** The raw stored value at {@code key}, or null. */
  static byte[] get(Path dir, String columnFamily, byte[] key) throws Exception {
    byte[][] found = new byte[1][];
    rewrite(dir, columnFamily, key, value -> {
      found[0] = value;
      return null;
    });
    return found[0];
  }

  /**
   * Replaces the value at {@code key} with {@code change} of it (the value is null when absent;
   * a null result writes nothing).
   */
  static void rewrite(Path dir, String columnFamily, byte[] key, UnaryOperator<byte[]> change)
      throws Exception {
    RocksDB.loadLibrary();
    List<byte[]> names;
    try (Options options = new Options()) {
      names = RocksDB.listColumnFamilies(options, dir.toString());
    }
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    for (byte[] name : names) {
      descriptors.add(new ColumnFamilyDescriptor(name));
    }
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try (DBOptions options = new DBOptions();
         RocksDB db = RocksDB.open(options, dir.toString(), descriptors, handles);
         WriteOptions sync = new WriteOptions().setSync(true)) {
      ColumnFamilyHandle target = null;
      for (int i = 0; i < names.size(); i++) {
        if (new String(names.get(i), StandardCharsets.US_ASCII).equals(columnFamily)) {
          target = handles.get(i);
        }
      }
      if (target == null) {
        throw new IllegalArgumentException("no column family " + columnFamily);
      }
      byte[] value = db.get(target, key);
      byte[] changed = change.apply(value == null ? null : value.clone());
      if (changed != null) {
        db.put(target, sync, key, changed);
      }
      for (ColumnFamilyHandle handle : handles) {
        handle.close();
      }
    }
  }

  /** The value with one bit of its last byte flipped. */
  static byte[] flipLastByte(byte[] value) {
    value[value.length - 1] ^= 0x01;
    return value;
  }
}
