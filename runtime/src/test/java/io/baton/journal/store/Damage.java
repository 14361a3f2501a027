package io.baton.journal.store;

import java.nio.file.Path;

/** Damages a closed store's data on purpose, for the tests of detection and repair elsewhere. */
public final class Damage {
  private Damage() {}

  /** Flips the last byte of the stored value of event {@code persistenceId#sequenceNr}. */
  public static void flipEvent(Path dir, String persistenceId, long sequenceNr) throws Exception {
    RawRocks.rewrite(dir, "events", StoreKeys.sequenceKey(persistenceId, sequenceNr),
        RawRocks::flipLastByte);
  }
}
