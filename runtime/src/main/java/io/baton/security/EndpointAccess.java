package io.baton.security;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Who may make which request of one HTTP endpoint: the decision, a pure function of the request's
 * kind ({@link Access}) and its {@code Authorization}, {@code Origin} and {@code Host} headers.
 * Immutable; the token files it holds re-read themselves when they change ({@link TokenFile}).
 *
 * <p>The rules, in order (docs/decisions/0021-endpoint-authentication.md says why):
 *
 * <ol>
 *   <li>{@link Access#OPEN} requests (the operator endpoint's {@code /health}, for probes) are
 *       always allowed.
 *   <li>A {@link Access#CHANGE} request whose {@code Host} names neither an IP address, {@code
 *       localhost}, the endpoint's own host nor one of {@code auth.allowed-hosts} is refused
 *       ({@code host-not-allowed}): DNS rebinding always arrives with the attacker's name. One
 *       whose {@code Origin} is present and is not this endpoint's own ({@code http(s)://} + its
 *       {@code Host}) is refused ({@code cross-origin}): that is a web page's request.
 *   <li>With {@code auth.mode = off}, nothing else is checked.
 *   <li>A {@link Access#CHANGE} request needs a token of the full-rights file: missing or wrong
 *       is 401 ({@code unauthenticated}, {@code invalid-token}), a read-only token is 403 ({@code
 *       read-only-token}). Where changes need a token but no file is configured, every change is
 *       refused ({@code auth-not-configured}), naming the keys.
 *   <li>A {@link Access#READ} request needs a token of either file when any file is configured,
 *       and nothing otherwise.
 * </ol>
 *
 * @param path the configuration path of the endpoint's {@code auth} section, for messages
 * @param off whether {@code auth.mode = off}
 * @param full the full-rights tokens, if configured
 * @param readOnly the read-only tokens, if configured
 * @param changesNeedToken whether a change without a configured full-rights file is refused
 * @param ownHost the host the endpoint is bound to, an accepted {@code Host}
 * @param allowedHosts further names accepted in {@code Host}, lower case
 */
public record EndpointAccess(String path, boolean off, Optional<TokenFile> full,
    Optional<TokenFile> readOnly, boolean changesNeedToken, String ownHost,
    Set<String> allowedHosts) {

  /** What a request does, which decides what it needs. */
  public enum Access { OPEN, READ, CHANGE }

  /** The outcome: allowed, or refused with the HTTP status and a stable error code. */
  public sealed interface Decision {}

  public record Allowed() implements Decision {}

  /**
   * @param status 401 or 403
   * @param error a stable code: unauthenticated, invalid-token, read-only-token,
   *     auth-not-configured, cross-origin, host-not-allowed
   * @param message what happened and what to do
   */
  public record Refused(int status, String error, String message) implements Decision {}

  private static final Allowed ALLOWED = new Allowed();
  private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

  public EndpointAccess {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(full, "full");
    Objects.requireNonNull(readOnly, "readOnly");
    Objects.requireNonNull(ownHost, "ownHost");
    allowedHosts = allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT))
        .collect(Collectors.toUnmodifiableSet());
  }

  /**
   * The operator endpoint's rules from {@code baton.ops.auth}: changes (drain, undrain, upgrade
   * hold and release) need the {@code token-file}'s token, and are refused when none is
   * configured unless {@code mode = off}.
   *
   * @throws IllegalArgumentException naming the key, for a bad mode or an unreadable token file
   */
  public static EndpointAccess operatorEndpoint(Config config) {
    String path = "baton.ops.auth";
    Config auth = config.getConfig(path);
    boolean off = mode(auth, path);
    return new EndpointAccess(path, off, tokens(auth, path, "token-file"),
        tokens(auth, path, "read-token-file"), !off, config.getString("baton.ops.host"),
        Set.copyOf(auth.getStringList("allowed-hosts")));
  }

  /**
   * The client entry point's rules from {@code baton.client.http.auth}: with a {@code
   * token-file}, every request needs its token; without one, the entry point serves only on a
   * loopback address, unless {@code mode = off}.
   *
   * @throws IllegalArgumentException naming the keys, for an entry point bound off loopback with
   *     no token file and {@code mode = tokens}, a bad mode or an unreadable token file
   */
  public static EndpointAccess clientEntryPoint(Config config) {
    String path = "baton.client.http.auth";
    Config auth = config.getConfig(path);
    boolean off = mode(auth, path);
    Optional<TokenFile> full = tokens(auth, path, "token-file");
    String host = config.getString("baton.client.http.host");
    if (!off && full.isEmpty() && !Loopback.only(host)) {
      throw new IllegalArgumentException("the client entry point would take any caller on "
          + host + " (baton.client.http.host), which is not a loopback address: set " + path
          + ".token-file to a file of bearer tokens, or " + path + ".mode = off if a gateway in"
          + " front of it authenticates callers (docs/security.md)");
    }
    return new EndpointAccess(path, off, full, Optional.empty(), false, host,
        Set.copyOf(auth.getStringList("allowed-hosts")));
  }

  /**
   * The decision for a request of kind {@code access} with these headers (each empty when the
   * request has none).
   */
  public Decision decide(Access access, Optional<String> authorization, Optional<String> origin,
      Optional<String> host) {
    if (access == Access.OPEN) {
      return ALLOWED;
    }
    if (access == Access.CHANGE) {
      Optional<Refused> browser = browserCheck(origin, host);
      if (browser.isPresent()) {
        return browser.get();
      }
    }
    if (off) {
      return ALLOWED;
    }
    Optional<String> token = authorization
        .filter(value -> value.regionMatches(true, 0, "Bearer ", 0, 7))
        .map(value -> value.substring(7).strip());
    if (access == Access.CHANGE) {
      if (full.isEmpty()) {
        return changesNeedToken
            ? new Refused(403, "auth-not-configured", "changes through this endpoint are off:"
                + " no " + path + ".token-file is configured. Set it to a file of bearer tokens"
                + " (or " + path + ".mode = off on a machine you trust entirely)")
            : ALLOWED;
      }
      if (token.isEmpty()) {
        return unauthenticated();
      }
      if (full.get().matches(token.get())) {
        return ALLOWED;
      }
      if (readOnly.isPresent() && readOnly.get().matches(token.get())) {
        return new Refused(403, "read-only-token", "this token may read but not change anything:"
            + " send a token of " + path + ".token-file");
      }
      return invalid();
    }
    // READ
    if (full.isEmpty() && readOnly.isEmpty()) {
      return ALLOWED;
    }
    if (token.isEmpty()) {
      return unauthenticated();
    }
    boolean known = full.map(f -> f.matches(token.get())).orElse(false)
        | readOnly.map(f -> f.matches(token.get())).orElse(false);
    return known ? ALLOWED : invalid();
  }

  private Refused unauthenticated() {
    return new Refused(401, "unauthenticated", "this request needs a bearer token"
        + " (Authorization: Bearer <token>; the Baton commands take --token-file); the node reads"
        + " its tokens from " + path + ".token-file" + (readOnly.isPresent()
            ? " and " + path + ".read-token-file" : ""));
  }

  private Refused invalid() {
    return new Refused(401, "invalid-token", "the bearer token is not one of this endpoint's"
        + " (" + path + "): check the token file the client reads");
  }

  private Optional<Refused> browserCheck(Optional<String> origin, Optional<String> host) {
    String authority = host.map(String::strip).orElse("");
    if (!hostAllowed(authority)) {
      return Optional.of(new Refused(403, "host-not-allowed", "Host '" + authority + "' is not a"
          + " name of this endpoint (a page on another site can reach it through DNS rebinding):"
          + " use its IP address, localhost, or add the name to " + path + ".allowed-hosts"));
    }
    if (origin.isPresent()) {
      String value = origin.get().strip().toLowerCase(Locale.ROOT);
      String own = authority.toLowerCase(Locale.ROOT);
      if (!value.equals("http://" + own) && !value.equals("https://" + own)) {
        return Optional.of(new Refused(403, "cross-origin", "a request from the web page "
            + origin.get() + " may not change anything here: changes are taken only from"
            + " commands and scripts, which send no Origin, or from this endpoint's own origin"));
      }
    }
    return Optional.empty();
  }

  private boolean hostAllowed(String authority) {
    if (authority.isEmpty()) {
      return false;
    }
    String name;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      return close > 0; // an IPv6 literal: no DNS name, no rebinding
    }
    int colon = authority.lastIndexOf(':');
    name = (colon < 0 ? authority : authority.substring(0, colon)).toLowerCase(Locale.ROOT);
    return IPV4.matcher(name).matches() || name.equals("localhost")
        || name.equalsIgnoreCase(ownHost) || allowedHosts.contains(name);
  }

  private static boolean mode(Config auth, String path) {
    String mode = auth.getString("mode");
    return switch (mode) {
      case "tokens" -> false;
      case "off" -> true;
      default -> throw new IllegalArgumentException(
          path + ".mode = '" + mode + "' is not allowed: use tokens or off");
    };
  }

  private static Optional<TokenFile> tokens(Config auth, String path, String key) {
    String file = auth.getString(key).strip();
    return file.isEmpty() ? Optional.empty()
        : Optional.of(TokenFile.read(Path.of(file), path + "." + key));
  }
}
