package io.baton.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The {@code baton.node.tls} keys and the Artery keys they become. */
@Timeout(60)
class TransportSecurityTest {

  private static final String ENGINE = TransportSecurity.ENGINE;

  @TempDir
  Path temp;

  private static Config with(String hocon) {
    return ConfigFactory.parseString(hocon).withFallback(ConfigFactory.load());
  }

  private static NodeConfig node(String host, Config base) {
    return NodeConfig.fromArguments(List.of("--name=n1", "--port=2552", "--host=" + host), base);
  }

  /** Property: without TLS a node on a non-loopback address refuses to start, naming the keys. */
  @Test
  void plaintextOffLoopbackIsRefusedNamingTheKeyThatAllowsIt() {
    Config base = with("");
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> node("192.0.2.10", base).toPekkoConfig(base));
    assertTrue(error.getMessage().contains("baton.node.tls.allow-plaintext-off-loopback"),
        error.getMessage());
    assertTrue(error.getMessage().contains("baton.node.tls.dev-ca-dir"), error.getMessage());
  }

  /** Property: the explicit opt-out starts a plaintext node off loopback; loopback needs none. */
  @Test
  void plaintextIsAllowedOnLoopbackOrWhenTheOperatorSaysSo() {
    Config allowed = with("baton.node.tls.allow-plaintext-off-loopback = on");
    assertEquals("tcp", node("192.0.2.10", allowed).toPekkoConfig(allowed)
        .getString("pekko.remote.artery.transport"));
    Config base = with("");
    assertEquals("tcp", node("127.0.0.1", base).toPekkoConfig(base)
        .getString("pekko.remote.artery.transport"));
  }

  /**
   * Property: dev mode creates one CA in the directory, issues each node a certificate signed by
   * it, and configures tls-tcp with mutual authentication; a second node reuses the same CA.
   */
  @Test
  void devModeIssuesEveryNodeACertificateOfOneSharedCa() throws Exception {
    Path dir = temp.resolve("ca");
    Config base = with("baton.node.tls.dev-ca-dir = \"" + dir + "\"");
    Config first = node("192.0.2.10", base).toPekkoConfig(base);
    assertEquals("tls-tcp", first.getString("pekko.remote.artery.transport"));
    assertTrue(first.getBoolean(ENGINE + ".require-mutual-authentication"));
    assertEquals("TLSv1.3", first.getString(ENGINE + ".protocol"));
    byte[] ca = Files.readAllBytes(dir.resolve(DevCertificateAuthority.CA_STORE));

    NodeConfig second = NodeConfig.fromArguments(List.of("--name=n2", "--port=2553"), base);
    Config secondConfig = second.toPekkoConfig(base);
    assertEquals(List.of(ca.length), List.of(
        Files.readAllBytes(dir.resolve(DevCertificateAuthority.CA_STORE)).length),
        "the second node reused the CA");

    KeyStore trust = DevCertificateAuthority.load(Path.of(secondConfig.getString(
        ENGINE + ".trust-store")));
    X509Certificate caCertificate = (X509Certificate) trust.getCertificate("ca");
    KeyStore keys = DevCertificateAuthority.load(Path.of(secondConfig.getString(
        ENGINE + ".key-store")));
    X509Certificate nodeCertificate = (X509Certificate) keys.getCertificate("n2");
    nodeCertificate.verify(caCertificate.getPublicKey()); // throws unless the CA signed it
    nodeCertificate.checkValidity();
  }

  /** Property: operator stores need a trust store; dev mode and stores exclude each other. */
  @Test
  void contradictoryOrIncompleteSettingsAreRefusedNamingTheKeys() throws Exception {
    Path store = Files.createFile(temp.resolve("node.p12"));
    IllegalArgumentException noTrust = assertThrows(IllegalArgumentException.class,
        () -> TransportSecurity.fromConfig(with("baton.node.tls { key-store = \"" + store
            + "\", key-store-password = x }")));
    assertTrue(noTrust.getMessage().contains("baton.node.tls.trust-store"), noTrust.getMessage());
    IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
        () -> TransportSecurity.fromConfig(with("baton.node.tls { key-store = \"" + store
            + "\", dev-ca-dir = \"" + temp + "\" }")));
    assertTrue(both.getMessage().contains("dev-ca-dir"), both.getMessage());
    IllegalArgumentException protocol = assertThrows(IllegalArgumentException.class,
        () -> TransportSecurity.fromConfig(with("baton.node.tls.protocol = SSLv3")));
    assertTrue(protocol.getMessage().contains("baton.node.tls.protocol"), protocol.getMessage());
  }

  /** Property: operator stores become Pekko's engine keys, key password defaulting to the store's. */
  @Test
  void operatorStoresBecomePekkosEngineKeys() throws Exception {
    Path keys = Files.createFile(temp.resolve("node.p12"));
    Path trust = Files.createFile(temp.resolve("trust.p12"));
    Config base = with("baton.node.tls { key-store = \"" + keys + "\", key-store-password = k,"
        + " trust-store = \"" + trust + "\", trust-store-password = t, protocol = TLSv1.2 }");
    Map<String, Object> pekko = TransportSecurity.fromConfig(base)
        .pekkoKeys(node("192.0.2.10", base), base);
    assertEquals("tls-tcp", pekko.get("pekko.remote.artery.transport"));
    assertEquals("k", pekko.get(ENGINE + ".key-password"));
    assertEquals("t", pekko.get(ENGINE + ".trust-store-password"));
    assertEquals("TLSv1.2", pekko.get(ENGINE + ".protocol"));
    assertEquals("on", pekko.get(ENGINE + ".require-mutual-authentication"));
  }
}
