package io.baton.journal.store;

import java.nio.file.Path;
import org.rocksdb.RocksDBException;

/**
 * The store's write-ahead log holds a corrupt record: it may have lost acknowledged writes, so it
 * is not opened (RocksDB's default recovery would drop the log from that record on in silence).
 * The message names the directory, RocksDB's finding (file and offset), and what to do.
 */
public final class DamagedStoreException extends JournalStoreException {

  private static final long serialVersionUID = 1L;

  public DamagedStoreException(Path directory, RocksDBException cause) {
    super("the write-ahead log of the journal in " + directory + " is damaged (RocksDB: "
        + cause.getMessage() + "): acknowledged events may be lost, so the store is not served."
        + " In a cluster, start the node with its seed nodes: it repairs the store from its"
        + " replicas before serving. A lone node has no copy: restore " + directory + " from a"
        + " backup, or move it aside to start empty (its events are then lost)", cause);
  }
}
