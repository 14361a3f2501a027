package io.baton.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file of bearer tokens: one token per line; blank lines and lines starting with {@code #} are
 * ignored; each token at least {@link #MIN_LENGTH} characters. Several lines make rotation
 * possible without a moment where no client is let in: add the new token, move the clients to it,
 * remove the old one.
 *
 * <p>The file is read when built (an unreadable or empty file fails there, naming the key) and
 * read again whenever its modification time or size changes, on the next check; a file that
 * cannot be read then (e.g. replaced non-atomically) keeps the tokens last read, with a warning.
 * Thread-safe: one volatile snapshot, replaced whole. Comparisons take constant time.
 */
public final class TokenFile {

  /** The shortest token accepted: 16 characters, e.g. {@code openssl rand -hex 32} gives 64. */
  public static final int MIN_LENGTH = 16;

  private static final Logger LOG = LoggerFactory.getLogger(TokenFile.class);

  private record Snapshot(FileTime modified, long size, List<byte[]> tokens) {}

  private final Path file;
  private final String key;
  private volatile Snapshot snapshot;

  private TokenFile(Path file, String key, Snapshot snapshot) {
    this.file = file;
    this.key = key;
    this.snapshot = snapshot;
  }

  /**
   * The tokens of {@code file}, which the configuration key {@code key} named.
   *
   * @throws IllegalArgumentException naming the key and the path, if the file cannot be read or
   *     holds no token, or a token is too short
   */
  public static TokenFile read(Path file, String key) {
    Objects.requireNonNull(file, "file");
    try {
      return new TokenFile(file, key, load(file, key));
    } catch (IOException e) {
      throw new IllegalArgumentException(key + " = '" + file + "' cannot be read (" + e
          + "): give a readable file with one token per line", e);
    }
  }

  /** The first token of {@code file}: what a client sends. Same rules as {@link #read}. */
  public static String firstToken(Path file, String what) {
    try {
      return new String(load(file, what).tokens().get(0), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(what + " '" + file + "' cannot be read (" + e + ")", e);
    }
  }

  /** The file, as configured. */
  public Path file() {
    return file;
  }

  /** Whether {@code presented} is one of the file's tokens, in time independent of where it differs. */
  public boolean matches(String presented) {
    byte[] candidate = presented.getBytes(StandardCharsets.UTF_8);
    boolean found = false;
    for (byte[] token : current().tokens()) {
      found |= MessageDigest.isEqual(token, candidate);
    }
    return found;
  }

  private Snapshot current() {
    Snapshot known = snapshot;
    try {
      FileTime modified = Files.getLastModifiedTime(file);
      long size = Files.size(file);
      if (modified.equals(known.modified()) && size == known.size()) {
        return known;
      }
      Snapshot fresh = load(file, key);
      snapshot = fresh;
      LOG.info("Re-read the tokens of {} ({}): {} token(s)", file, key, fresh.tokens().size());
      return fresh;
    } catch (IOException | IllegalArgumentException e) {
      LOG.warn("Cannot re-read the tokens of {} ({}): {}; the tokens read before stay in force",
          file, key, e.toString());
      return known;
    }
  }

  private static Snapshot load(Path file, String key) throws IOException {
    FileTime modified = Files.getLastModifiedTime(file);
    long size = Files.size(file);
    List<byte[]> tokens = new ArrayList<>();
    int number = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      number++;
      String token = line.strip();
      if (token.isEmpty() || token.startsWith("#")) {
        continue;
      }
      if (token.length() < MIN_LENGTH) {
        throw new IllegalArgumentException(key + " = '" + file + "': the token on line " + number
            + " has " + token.length() + " characters; use at least " + MIN_LENGTH
            + " random ones (e.g. openssl rand -hex 32)");
      }
      tokens.add(token.getBytes(StandardCharsets.UTF_8));
    }
    if (tokens.isEmpty()) {
      throw new IllegalArgumentException(key + " = '" + file + "' holds no token: write one per"
          + " line (e.g. openssl rand -hex 32 > " + file + ")");
    }
    return new Snapshot(modified, size, List.copyOf(tokens));
  }
}
