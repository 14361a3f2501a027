package io.baton.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Token files for tests that drive an authenticated endpoint. */
public final class TestTokens {

  /** The full-rights token of {@link #operatorFile}. */
  public static final String OPERATOR = "test-operator-token-0123456789abcdef";

  /** The token of {@link #readOnlyFile}. */
  public static final String READER = "test-reader-token-0123456789abcdef";

  private TestTokens() {}

  /** A file in {@code dir} holding {@link #OPERATOR}. */
  public static Path operatorFile(Path dir) {
    return write(dir.resolve("operator.tokens"), OPERATOR);
  }

  /** A file in {@code dir} holding {@link #READER}. */
  public static Path readOnlyFile(Path dir) {
    return write(dir.resolve("reader.tokens"), READER);
  }

  /** A file holding {@link #OPERATOR}, deleted when the JVM exits: for static configurations. */
  public static Path operatorFile() {
    try {
      Path file = Files.createTempFile("baton-test-operator", ".tokens");
      file.toFile().deleteOnExit();
      return write(file, OPERATOR);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path write(Path file, String token) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      return Files.writeString(file, "# test token\n" + token + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
