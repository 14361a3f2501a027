package io.baton.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.baton.security.EndpointAccess.Access;
import io.baton.security.EndpointAccess.Allowed;
import io.baton.security.EndpointAccess.Decision;
import io.baton.security.EndpointAccess.Refused;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The decision of who may do what, as a pure function of the request's kind and headers. */
@Timeout(30)
class EndpointAccessTest {

  private static final Optional<String> NONE = Optional.empty();
  private static final Optional<String> HOST = Optional.of("127.0.0.1:8558");

  @TempDir
  Path dir;

  private static Config config(String hocon) {
    return ConfigFactory.parseString(hocon).withFallback(ConfigFactory.load());
  }

  private EndpointAccess ops() {
    return EndpointAccess.operatorEndpoint(config("baton.ops.auth { token-file = \""
        + TestTokens.operatorFile(dir) + "\", read-token-file = \""
        + TestTokens.readOnlyFile(dir) + "\" }"));
  }

  private static Optional<String> bearer(String token) {
    return Optional.of("Bearer " + token);
  }

  private static String error(Decision decision) {
    return assertInstanceOf(Refused.class, decision).error();
  }

  /** Property: changes need the full token; none is 401, a read-only one 403, a wrong one 401. */
  @Test
  void changesNeedAFullRightsToken() {
    EndpointAccess access = ops();
    assertInstanceOf(Allowed.class,
        access.decide(Access.CHANGE, bearer(TestTokens.OPERATOR), NONE, HOST));
    Refused none = assertInstanceOf(Refused.class, access.decide(Access.CHANGE, NONE, NONE, HOST));
    assertEquals(401, none.status());
    assertEquals("unauthenticated", none.error());
    Refused reader = assertInstanceOf(Refused.class,
        access.decide(Access.CHANGE, bearer(TestTokens.READER), NONE, HOST));
    assertEquals(403, reader.status());
    assertEquals("read-only-token", reader.error());
    assertEquals("invalid-token",
        error(access.decide(Access.CHANGE, bearer("not-the-token-0123456789"), NONE, HOST)));
  }

  /** Property: reads take either token; health is open to probes. */
  @Test
  void readsTakeEitherTokenAndHealthIsOpen() {
    EndpointAccess access = ops();
    assertInstanceOf(Allowed.class,
        access.decide(Access.READ, bearer(TestTokens.READER), NONE, HOST));
    assertInstanceOf(Allowed.class,
        access.decide(Access.READ, bearer(TestTokens.OPERATOR), NONE, HOST));
    assertEquals("unauthenticated", error(access.decide(Access.READ, NONE, NONE, HOST)));
    assertInstanceOf(Allowed.class, access.decide(Access.OPEN, NONE, NONE, NONE));
  }

  /** Property: a web page's change is refused, by its Origin or by a Host it rebound. */
  @Test
  void crossOriginAndReboundHostChangesAreRefusedEvenWithAToken() {
    EndpointAccess access = ops();
    assertEquals("cross-origin", error(access.decide(Access.CHANGE, bearer(TestTokens.OPERATOR),
        Optional.of("http://evil.example"), HOST)));
    assertEquals("cross-origin", error(access.decide(Access.CHANGE, bearer(TestTokens.OPERATOR),
        Optional.of("null"), HOST)));
    assertEquals("host-not-allowed", error(access.decide(Access.CHANGE,
        bearer(TestTokens.OPERATOR), NONE, Optional.of("evil.example:8558"))));
    assertEquals("host-not-allowed", error(access.decide(Access.CHANGE,
        bearer(TestTokens.OPERATOR), NONE, NONE)));
    assertInstanceOf(Allowed.class, access.decide(Access.CHANGE, bearer(TestTokens.OPERATOR),
        Optional.of("http://127.0.0.1:8558"), HOST));
    assertInstanceOf(Allowed.class, access.decide(Access.CHANGE, bearer(TestTokens.OPERATOR),
        NONE, Optional.of("localhost:8558")));
    assertInstanceOf(Allowed.class, access.decide(Access.CHANGE, bearer(TestTokens.OPERATOR),
        NONE, Optional.of("[::1]:8558")));
  }

  /** Property: without a token file changes are off, unless mode = off; reads stay open. */
  @Test
  void withoutATokenFileChangesAreRefusedUnlessAuthIsTurnedOffExplicitly() {
    EndpointAccess unset = EndpointAccess.operatorEndpoint(config(""));
    Refused refused = assertInstanceOf(Refused.class,
        unset.decide(Access.CHANGE, NONE, NONE, HOST));
    assertEquals("auth-not-configured", refused.error());
    assertTrue(refused.message().contains("baton.ops.auth.token-file"), refused.message());
    assertInstanceOf(Allowed.class, unset.decide(Access.READ, NONE, NONE, HOST));
    EndpointAccess off = EndpointAccess.operatorEndpoint(config("baton.ops.auth.mode = off"));
    assertInstanceOf(Allowed.class, off.decide(Access.CHANGE, NONE, NONE, HOST));
    assertEquals("cross-origin", error(off.decide(Access.CHANGE, NONE,
        Optional.of("http://evil.example"), HOST)));
  }

  /** Property: an open client entry point is refused off loopback; a token file admits it. */
  @Test
  void anOpenClientEntryPointServesOnlyOnLoopback() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> EndpointAccess.clientEntryPoint(config("baton.client.http.host = \"0.0.0.0\"")));
    assertTrue(error.getMessage().contains("baton.client.http.auth.token-file"),
        error.getMessage());
    EndpointAccess tokens = EndpointAccess.clientEntryPoint(config("baton.client.http {"
        + " host = \"0.0.0.0\", auth.token-file = \"" + TestTokens.operatorFile(dir) + "\" }"));
    assertEquals("unauthenticated", error(tokens.decide(Access.CHANGE, NONE, NONE, HOST)));
    assertInstanceOf(Allowed.class,
        tokens.decide(Access.CHANGE, bearer(TestTokens.OPERATOR), NONE, HOST));
    EndpointAccess loopback = EndpointAccess.clientEntryPoint(config(""));
    assertInstanceOf(Allowed.class, loopback.decide(Access.CHANGE, NONE, NONE, HOST));
  }

  /** Property: a token file is re-read when it changes, so tokens rotate without a restart. */
  @Test
  void aChangedTokenFileIsReadAgain() throws Exception {
    Path file = TestTokens.operatorFile(dir);
    TokenFile tokens = TokenFile.read(file, "test.token-file");
    assertTrue(tokens.matches(TestTokens.OPERATOR));
    Files.writeString(file, "rotated-token-0123456789abcdef-and-longer\n");
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(
        Files.getLastModifiedTime(file).toMillis() + 2000));
    assertTrue(tokens.matches("rotated-token-0123456789abcdef-and-longer"));
    assertTrue(!tokens.matches(TestTokens.OPERATOR), "the removed token no longer works");
    Files.writeString(file, "short\n");
    IllegalArgumentException shortToken = assertThrows(IllegalArgumentException.class,
        () -> TokenFile.read(file, "test.token-file"));
    assertTrue(shortToken.getMessage().contains("at least 16"), shortToken.getMessage());
  }
}
