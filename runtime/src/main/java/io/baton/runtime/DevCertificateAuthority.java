package io.baton.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Dev mode's throw-away cluster CA ({@code baton.node.tls.dev-ca-dir}): a directory holding a CA
 * that the first node creates, from which every node that starts with the same directory signs a
 * certificate of its own.
 *
 * <p>Layout of the directory: {@code ca.p12} (the CA's private key and certificate, alias {@code
 * ca}), {@code truststore.p12} (the CA certificate alone, the nodes' trust store), {@code
 * nodes/<name>.p12} (a node's key and its chain, written afresh at each start). Every store has
 * the password {@link #PASSWORD}: dev mode protects against processes that do not have the
 * directory, not against anyone who can read it.
 *
 * <p><b>Concurrency.</b> Nodes of one machine start at the same time: the CA is created under an
 * exclusive lock on {@code ca.lock} (a file lock between processes, plus a JVM-wide monitor,
 * because one JVM may start several nodes and file locks are per process), and every file is
 * written to a temporary name and moved into place, so a reader never sees half a store. Keys are
 * EC P-256, generated in-process with the JDK's providers; BouncyCastle only builds and signs the
 * certificates (docs/decisions/0020-cluster-transport-tls.md says why not keytool).
 */
final class DevCertificateAuthority {

  /** The password of every store in a dev CA directory. Not a secret: dev mode only. */
  static final String PASSWORD = "baton-dev-only";

  static final String CA_STORE = "ca.p12";
  static final String TRUST_STORE = "truststore.p12";

  private static final String CA_ALIAS = "ca";
  private static final String SIGNATURE = "SHA256withECDSA";
  private static final Duration CA_VALIDITY = Duration.ofDays(3650);
  private static final Duration NODE_VALIDITY = Duration.ofDays(365);
  private static final Object JVM_LOCK = new Object();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;
  private final PrivateKey caKey;
  private final X509Certificate caCertificate;

  private DevCertificateAuthority(Path dir, PrivateKey caKey, X509Certificate caCertificate) {
    this.dir = dir;
    this.caKey = caKey;
    this.caCertificate = caCertificate;
  }

  /**
   * The CA in {@code dir}, created there first if the directory holds none.
   *
   * @throws IllegalStateException naming the directory and the key, if it cannot be created or read
   */
  static DevCertificateAuthority openOrCreate(Path dir) {
    Path absolute = dir.toAbsolutePath();
    try {
      Files.createDirectories(absolute);
      synchronized (JVM_LOCK) {
        try (FileChannel channel = FileChannel.open(absolute.resolve("ca.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.lock()) {
          Path caStore = absolute.resolve(CA_STORE);
          if (!Files.exists(caStore)) {
            create(absolute);
          }
          KeyStore store = load(caStore);
          return new DevCertificateAuthority(absolute,
              (PrivateKey) store.getKey(CA_ALIAS, PASSWORD.toCharArray()),
              (X509Certificate) store.getCertificate(CA_ALIAS));
        }
      }
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("dev mode cannot create or read the cluster CA in "
          + absolute + " (" + TransportSecurity.PATH + ".dev-ca-dir): " + e
          + "; give a writable directory, or delete a damaged one to start a new throw-away CA",
          e);
    }
  }

  /** The trust store holding this CA's certificate alone. */
  Path trustStore() {
    return dir.resolve(TRUST_STORE);
  }

  /**
   * Writes a fresh key and certificate for node {@code name}, reachable at {@code host}, signed by
   * this CA, to {@code nodes/<name>.p12}, and returns its path.
   */
  Path issueNodeKeyStore(String name, String host) {
    try {
      KeyPair pair = newKeyPair();
      Instant now = Instant.now();
      List<GeneralName> names = new ArrayList<>();
      names.add(new GeneralName(GeneralName.dNSName, name));
      names.add(new GeneralName(isIpLiteral(host) ? GeneralName.iPAddress : GeneralName.dNSName,
          host));
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caCertificate,
          serial(), Date.from(now.minus(Duration.ofMinutes(5))),
          Date.from(now.plus(NODE_VALIDITY)), new X500Name("CN=" + name + ", O=Baton dev node"),
          pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true,
              new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          .addExtension(Extension.subjectAlternativeName, false,
              new GeneralNames(names.toArray(GeneralName[]::new)))
          .addExtension(Extension.authorityKeyIdentifier, false,
              extensions.createAuthorityKeyIdentifier(caCertificate));
      X509Certificate certificate = sign(builder, caKey);
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(name, pair.getPrivate(), PASSWORD.toCharArray(),
          new Certificate[] {certificate, caCertificate});
      Path nodes = Files.createDirectories(dir.resolve("nodes"));
      Path file = nodes.resolve(name + ".p12");
      writeAtomically(store, file);
      return file;
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("dev mode cannot issue a certificate for node '" + name
          + "' from the cluster CA in " + dir + " (" + TransportSecurity.PATH + ".dev-ca-dir): "
          + e, e);
    }
  }

  private static void create(Path dir)
      throws IOException, GeneralSecurityException, OperatorCreationException {
    KeyPair pair = newKeyPair();
    Instant now = Instant.now();
    X500Name subject = new X500Name("CN=Baton throw-away dev cluster CA " + now
        + ", O=Baton dev mode");
    JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
        Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(CA_VALIDITY)), subject,
        pair.getPublic())
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
        .addExtension(Extension.keyUsage, true,
            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
        .addExtension(Extension.subjectKeyIdentifier, false,
            extensions.createSubjectKeyIdentifier(pair.getPublic()));
    X509Certificate certificate = sign(builder, pair.getPrivate());

    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry(CA_ALIAS, certificate);
    writeAtomically(trust, dir.resolve(TRUST_STORE));

    KeyStore ca = KeyStore.getInstance("PKCS12");
    ca.load(null, null);
    ca.setKeyEntry(CA_ALIAS, pair.getPrivate(), PASSWORD.toCharArray(),
        new Certificate[] {certificate});
    // Last: its presence is what tells the next node that the CA exists.
    writeAtomically(ca, dir.resolve(CA_STORE));
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(key)));
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM);
  }

  private static boolean isIpLiteral(String host) {
    return host.matches("[0-9.]+") || host.contains(":");
  }

  static KeyStore load(Path file) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, PASSWORD.toCharArray());
    }
    return store;
  }

  private static void writeAtomically(KeyStore store, Path file)
      throws IOException, GeneralSecurityException {
    Path temporary = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(temporary)) {
        store.store(out, PASSWORD.toCharArray());
      }
      try {
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      try {
        Files.deleteIfExists(temporary);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot remove " + temporary, e);
      }
    }
  }
}
