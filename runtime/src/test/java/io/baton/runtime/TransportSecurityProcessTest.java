package io.baton.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.cluster.testkit.LocalCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who gets in (issue 11): nodes holding a certificate of the cluster's CA form the cluster over
 * TLS with mutual authentication; a process without one, in plaintext or with a certificate of
 * another CA, can neither join nor deliver a message to an entity.
 */
@Timeout(300)
class TransportSecurityProcessTest {

  private static final Duration START = Duration.ofSeconds(90);
  private static final Duration LONG = Duration.ofSeconds(60);
  private static final String CLUSTER = "secure";

  @TempDir
  Path temp;

  /**
   * Property: an outsider that asks to join and sends an entity a note straight over Artery is
   * refused at the TLS handshake, never becomes a member and never reaches the entity, while the
   * members' own notes do. Two outsiders: one in plaintext, one over TLS that trusts the cluster's
   * CA (its certificate is no secret) but holds a certificate of another CA, which only mutual
   * authentication refuses.
   */
  @Test
  void aProcessWithoutTheClustersCertificateCanNeitherJoinNorDeliver() throws IOException {
    // The harness runs every cluster on dev-mode TLS, with a CA of its own (LocalCluster.devCaDir).
    try (LocalCluster cluster = LocalCluster.builder(SecureNodeMain.class).nodes(2)
        .clusterName(CLUSTER).name("transport-security").start()) {
      Path clusterCa = cluster.devCaDir();
      cluster.awaitAllUp(START);
      cluster.send("node2", "sign e1 member");
      cluster.awaitLine("node2", "^SIGN-ACK e1 \\[member\\]$", LONG);

      Path intruderKeys = DevCertificateAuthority.openOrCreate(temp.resolve("foreign-ca"))
          .issueNodeKeyStore("intruder", "127.0.0.1");
      String target = "--target=" + cluster.address("node1");
      String quickHandshake = "-Dpekko.remote.artery.advanced.handshake-timeout=5s";
      try (LocalCluster plaintext = LocalCluster.builder(OutsiderMain.class).nodes(1)
              .clusterName(CLUSTER).name("transport-security-plaintext-outsider").devCa(false)
              .jvmOptions(quickHandshake).arguments(target).start();
          LocalCluster foreign = LocalCluster.builder(OutsiderMain.class).nodes(1)
              .clusterName(CLUSTER).name("transport-security-foreign-outsider").devCa(false)
              .jvmOptions(quickHandshake,
                  "-Dbaton.node.tls.key-store=" + intruderKeys,
                  "-Dbaton.node.tls.key-store-password=" + DevCertificateAuthority.PASSWORD,
                  "-Dbaton.node.tls.trust-store="
                      + clusterCa.resolve(DevCertificateAuthority.TRUST_STORE),
                  "-Dbaton.node.tls.trust-store-password=" + DevCertificateAuthority.PASSWORD)
              .arguments(target).start()) {
        for (LocalCluster outsider : new LocalCluster[] {plaintext, foreign}) {
          outsider.awaitLine("node1", "^OUTSIDER-STARTED", START);
          outsider.send("node1", "sign e1 " + outsider.logFile("node1").getParent().getFileName());
          outsider.awaitLine("node1", "^OUTSIDER-SENT 1$", LONG);
        }
        for (LocalCluster outsider : new LocalCluster[] {plaintext, foreign}) {
          // Artery delivers nothing before its own handshake over the connection completes; a
          // refused TLS handshake fails it, a plaintext peer times it out. On the old code the
          // outsider joined instead (SELF-UP) and its note landed.
          String outcome = outsider.awaitLine("node1", "(HandshakeTimeoutException|SSLException"
              + "|SSLHandshakeException|^SELF-UP |^MEMBER-UP )", LONG);
          assertTrue(outcome.contains("Exception"), outsider.logFile("node1").getParent()
              + " must be refused at the handshake, but: " + outcome);
        }
        cluster.send("node2", "read e1");
        assertEquals("NOTES e1 [member]", cluster.awaitLine("node2", "^NOTES e1 ", LONG),
            "only the member's note reached the entity");
        for (String node : cluster.nodes()) {
          for (LocalCluster outsider : new LocalCluster[] {plaintext, foreign}) {
            assertTrue(cluster.pollLine(node, Pattern.quote(outsider.address("node1"))).isEmpty(),
                node + " saw the outsider " + outsider.address("node1") + " as a member");
          }
          assertTrue(cluster.pollLine(node, "^SIGNED e1 .*outsider").isEmpty(),
              node + " applied an outsider's note");
        }
      }
      assertTrue(Files.exists(clusterCa.resolve("nodes").resolve("node1.p12")),
          "dev mode issued node1 its certificate from the shared CA");
    }
  }
}
