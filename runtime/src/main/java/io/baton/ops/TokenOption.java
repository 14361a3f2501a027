package io.baton.ops;

import io.baton.security.TokenFile;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The {@code --token-file} option of every Baton command that talks to an operator endpoint: the
 * file whose first token is sent as {@code Authorization: Bearer <token>} (baton.ops.auth). The
 * environment variable {@code BATON_OPS_TOKEN_FILE} is its default, so that scripts need not
 * repeat it.
 */
public final class TokenOption {

  /** The environment variable naming the token file when {@code --token-file} is not given. */
  public static final String ENVIRONMENT = "BATON_OPS_TOKEN_FILE";

  @Option(names = "--token-file", paramLabel = "FILE", defaultValue = "${env:" + ENVIRONMENT + "}",
      description = "A file whose first token is sent as the bearer token (a token of the"
          + " node's baton.ops.auth.token-file, or of read-token-file for reading). Default: the"
          + " file $" + ENVIRONMENT + " names; none if unset.")
  Path tokenFile;

  /**
   * The token to send, if a file is given.
   *
   * @throws IllegalArgumentException saying why, when the file cannot be read or holds no token
   */
  public Optional<String> token() {
    return tokenFile == null || tokenFile.toString().isBlank() ? Optional.empty()
        : Optional.of(TokenFile.firstToken(tokenFile, "--token-file"));
  }
}
