package io.baton.journal.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One open {@link JournalStore} per data directory in this JVM, shared by reference count.
 *
 * <p>RocksDB lets one process open a directory once, but the journal plugin, the snapshot-store
 * plugin and (later) the replica endpoint all need the same store. Each {@link #acquire}s a
 * {@link Lease}; the first opens the store, the last {@link Lease#close()} closes it. Directories
 * are compared by their real path, so two spellings of one directory share one store.
 *
 * <p>Thread safe; acquire and release are serialised on the registry. A store is opened and
 * closed while the registry is held, so a release followed by an acquire of the same directory
 * (an actor system stopped and started again) always finds the directory unlocked.
 */
public final class JournalStoreRegistry {

  private static final Map<Path, Entry> OPEN = new HashMap<>();

  private JournalStoreRegistry() {}

  private static final class Entry {
    final JournalStore store;
    int leases;

    Entry(JournalStore store) {
      this.store = store;
    }
  }

  /**
   * A share of an open store. Closing it releases the share (idempotent); the store closes when
   * its last lease does.
   */
  public static final class Lease implements AutoCloseable {
    private final Path key;
    private final JournalStore store;
    private boolean released;

    private Lease(Path key, JournalStore store) {
      this.key = key;
      this.store = store;
    }

    /** The shared store; do not close it directly, close the lease. */
    public JournalStore store() {
      return store;
    }

    @Override
    public void close() {
      synchronized (OPEN) {
        if (released) {
          return;
        }
        released = true;
        Entry entry = OPEN.get(key);
        if (entry != null && entry.store == store && --entry.leases == 0) {
          OPEN.remove(key);
          store.close();
        }
      }
    }
  }

  /**
   * A lease on the store in {@code settings.directory()}, opening it if this JVM has not.
   *
   * @throws IllegalStateException if the store is already open with other settings (fsync or
   *     group-commit limits): every user of a directory must configure it alike
   * @throws JournalStoreException if the store cannot be opened
   */
  public static Lease acquire(JournalStoreSettings settings) {
    Objects.requireNonNull(settings, "settings");
    Path key = realPath(settings.directory());
    synchronized (OPEN) {
      Entry entry = OPEN.get(key);
      if (entry == null) {
        entry = new Entry(JournalStore.open(settings.withDirectory(key)));
        OPEN.put(key, entry);
      } else if (!entry.store.settings().equals(settings.withDirectory(key))) {
        throw new IllegalStateException("the journal store in " + key
            + " is already open with " + entry.store.settings() + ", and now requested with "
            + settings + ": configure every user of one data directory with the same settings");
      }
      entry.leases++;
      return new Lease(key, entry.store);
    }
  }

  private static Path realPath(Path directory) {
    Path absolute = directory.toAbsolutePath().normalize();
    try {
      return Files.exists(absolute) ? absolute.toRealPath() : absolute;
    } catch (IOException e) {
      return absolute;
    }
  }
}
