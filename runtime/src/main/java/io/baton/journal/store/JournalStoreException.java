package io.baton.journal.store;

/**
 * The store could not do what was asked: the data directory cannot be opened (locked by another
 * process, not a directory, not readable or writable), RocksDB reported an I/O error, or the store
 * is closed. The message says which, and what to do; the RocksDB error, if any, is the cause.
 */
public class JournalStoreException extends RuntimeException {

  JournalStoreException(String message) {
    super(message);
  }

  JournalStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
