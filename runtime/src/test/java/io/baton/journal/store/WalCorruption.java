package io.baton.journal.store;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Damages the write-ahead log of a closed store, as a failing disk or a torn copy would. */
public final class WalCorruption {
  private WalCorruption() {}

  /** The newest write-ahead log file of the store in {@code dir}. */
  public static Path newestLog(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".log"))
          .max(Comparator.comparing(f -> f.getFileName().toString()))
          .orElseThrow(() -> new AssertionError("no write-ahead log in " + dir));
    }
  }

  /**
   * Flips {@code bytes} bytes of the newest log at each of the given fractions of its length
   * (0.1 = a tenth of the way in); returns the log's length.
   */
  public static long flip(Path dir, int bytes, double... fractions) throws IOException {
    Path log = newestLog(dir);
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "rw")) {
      long length = file.length();
      if (length < 1024) {
        throw new AssertionError(log + " holds only " + length + " bytes: nothing to damage");
      }
      for (double fraction : fractions) {
        long at = (long) (length * fraction);
        byte[] buffer = new byte[(int) Math.min(bytes, length - at)];
        file.seek(at);
        file.readFully(buffer);
        for (int i = 0; i < buffer.length; i++) {
          buffer[i] = (byte) ~buffer[i];
        }
        file.seek(at);
        file.write(buffer);
      }
      return length;
    }
  }
}
