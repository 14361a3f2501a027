package io.baton.runtime;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.baton.security.Loopback;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a node's cluster transport is secured, from the {@code baton.node.tls} keys (documented in
 * this module's {@code reference.conf}), and the Pekko Artery keys that make it so.
 *
 * <p>One of three modes, a closed set:
 *
 * <ul>
 *   <li>{@link Stores}: Artery {@code tls-tcp} with Pekko's {@code ConfigSSLEngineProvider}, the
 *       operator's key store and trust store, and mutual authentication: a peer must present a
 *       certificate the trust store vouches for, inbound and outbound, before a byte of Pekko's
 *       protocol is read, so a process without one can neither join nor deliver a message;
 *   <li>{@link DevCa}: the same, with the stores issued at start from a throw-away cluster CA in a
 *       directory ({@link DevCertificateAuthority});
 *   <li>{@link Plaintext}: Artery {@code tcp}, allowed only where the node's host is a loopback
 *       address, or with {@code allow-plaintext-off-loopback = on}.
 * </ul>
 *
 * <p>A user who configures {@code pekko.remote.artery.transport = tls-tcp} and its {@code ssl}
 * section directly is left alone ({@link UserManaged}): Baton then writes no transport key.
 *
 * <p>Stores are read once, when the ActorSystem starts: certificates rotate by restart.
 */
public sealed interface TransportSecurity {

  /** Where the keys live. */
  String PATH = "baton.node.tls";

  /** Pekko's section of the TLS engine Baton configures. */
  String ENGINE = "pekko.remote.artery.ssl.config-ssl-engine";

  /** Artery over plain TCP. */
  record Plaintext() implements TransportSecurity {}

  /** TLS configured in Pekko's own keys by the user. */
  record UserManaged() implements TransportSecurity {}

  /** TLS from the operator's key store and trust store. */
  record Stores(Path keyStore, String keyStorePassword, String keyPassword, Path trustStore,
      String trustStorePassword, String protocol, List<String> algorithms)
      implements TransportSecurity {
    public Stores {
      Objects.requireNonNull(keyStore, "keyStore");
      Objects.requireNonNull(trustStore, "trustStore");
      algorithms = List.copyOf(algorithms);
    }
  }

  /** TLS from a throw-away CA in {@code dir}. */
  record DevCa(Path dir, String protocol, List<String> algorithms) implements TransportSecurity {
    public DevCa {
      Objects.requireNonNull(dir, "dir");
      algorithms = List.copyOf(algorithms);
    }
  }

  /**
   * The mode {@code config} asks for ({@code config} includes the reference configuration).
   *
   * @throws IllegalArgumentException naming the key, if the keys contradict each other or a value
   *     is not allowed
   */
  static TransportSecurity fromConfig(Config config) {
    Config tls = config.getConfig(PATH);
    String devCaDir = string(tls, "dev-ca-dir");
    String keyStore = string(tls, "key-store");
    String protocol = string(tls, "protocol");
    if (!protocol.equals("TLSv1.3") && !protocol.equals("TLSv1.2")) {
      throw new IllegalArgumentException(
          PATH + ".protocol = '" + protocol + "' is not allowed: use TLSv1.3 or TLSv1.2");
    }
    List<String> algorithms = tls.getStringList("enabled-algorithms");
    if (algorithms.isEmpty()) {
      algorithms = protocol.equals("TLSv1.3")
          ? List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384")
          : List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
              "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
              "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
    }
    if (!devCaDir.isEmpty() && !keyStore.isEmpty()) {
      throw new IllegalArgumentException(PATH + ".dev-ca-dir = '" + devCaDir + "' and " + PATH
          + ".key-store = '" + keyStore + "' are both set: dev mode issues the node's key store"
          + " itself; remove one of the two");
    }
    if (!devCaDir.isEmpty()) {
      return new DevCa(Path.of(devCaDir), protocol, algorithms);
    }
    if (!keyStore.isEmpty()) {
      String trustStore = string(tls, "trust-store");
      if (trustStore.isEmpty()) {
        throw new IllegalArgumentException(PATH + ".key-store is set but " + PATH
            + ".trust-store is empty: give the trust store holding the cluster CA's certificate,"
            + " without which no peer can be verified");
      }
      String keyStorePassword = string(tls, "key-store-password");
      String trustStorePassword = string(tls, "trust-store-password");
      if (keyStorePassword.isEmpty() || trustStorePassword.isEmpty()) {
        throw new IllegalArgumentException(PATH + "." + (keyStorePassword.isEmpty()
            ? "key-store-password" : "trust-store-password") + " is empty: give the store's"
            + " password, e.g. as ${BATON_TLS_KEY_STORE_PASSWORD} from the environment");
      }
      String keyPassword = string(tls, "key-password");
      for (String store : List.of(keyStore, trustStore)) {
        if (!Files.isReadable(Path.of(store))) {
          throw new IllegalArgumentException((store.equals(keyStore) ? PATH + ".key-store"
              : PATH + ".trust-store") + " = '" + store + "' is not a readable file ("
              + Path.of(store).toAbsolutePath() + ")");
        }
      }
      return new Stores(Path.of(keyStore), keyStorePassword,
          keyPassword.isEmpty() ? keyStorePassword : keyPassword, Path.of(trustStore),
          trustStorePassword, protocol, algorithms);
    }
    if (config.hasPath("pekko.remote.artery.transport")
        && config.getString("pekko.remote.artery.transport").equals("tls-tcp")) {
      return new UserManaged();
    }
    return new Plaintext();
  }

  /**
   * The Pekko keys of this mode for {@code node}, for {@link NodeConfig#toPekkoConfig(Config)};
   * dev mode issues the node's certificate here.
   *
   * @param config the base configuration, with the reference configuration
   * @throws IllegalArgumentException for plaintext on an address that is not loopback, unless
   *     {@code allow-plaintext-off-loopback} is on
   */
  default Map<String, Object> pekkoKeys(NodeConfig node, Config config) {
    Map<String, Object> keys = new LinkedHashMap<>();
    if (this instanceof Plaintext) {
      refuseOffLoopback(node, config);
      keys.put("pekko.remote.artery.transport", "tcp");
    } else if (this instanceof Stores stores) {
      putEngine(keys, stores.keyStore(), stores.keyStorePassword(), stores.keyPassword(),
          stores.trustStore(), stores.trustStorePassword(), stores.protocol(),
          stores.algorithms());
    } else if (this instanceof DevCa dev) {
      DevCertificateAuthority ca = DevCertificateAuthority.openOrCreate(dev.dir());
      Path keyStore = ca.issueNodeKeyStore(node.name(), node.host());
      putEngine(keys, keyStore, DevCertificateAuthority.PASSWORD,
          DevCertificateAuthority.PASSWORD, ca.trustStore(), DevCertificateAuthority.PASSWORD,
          dev.protocol(), dev.algorithms());
    }
    // UserManaged: the user's own pekko.remote.artery keys stand.
    return keys;
  }

  private static void putEngine(Map<String, Object> keys, Path keyStore, String keyStorePassword,
      String keyPassword, Path trustStore, String trustStorePassword, String protocol,
      List<String> algorithms) {
    keys.put("pekko.remote.artery.transport", "tls-tcp");
    keys.put("pekko.remote.artery.ssl.ssl-engine-provider",
        "org.apache.pekko.remote.artery.tcp.ConfigSSLEngineProvider");
    keys.put(ENGINE + ".key-store", keyStore.toAbsolutePath().toString());
    keys.put(ENGINE + ".key-store-password", keyStorePassword);
    keys.put(ENGINE + ".key-password", keyPassword);
    keys.put(ENGINE + ".trust-store", trustStore.toAbsolutePath().toString());
    keys.put(ENGINE + ".trust-store-password", trustStorePassword);
    keys.put(ENGINE + ".protocol", protocol);
    keys.put(ENGINE + ".enabled-algorithms", algorithms);
    // The point of it all: the accepting side verifies the connecting side too.
    keys.put(ENGINE + ".require-mutual-authentication", "on");
  }

  private static void refuseOffLoopback(NodeConfig node, Config config) {
    if (config.getBoolean(PATH + ".allow-plaintext-off-loopback")) {
      return;
    }
    String bind = config.hasPath("pekko.remote.artery.bind.hostname")
        ? config.getString("pekko.remote.artery.bind.hostname") : "";
    for (String host : bind.isEmpty() ? List.of(node.host()) : List.of(node.host(), bind)) {
      if (!Loopback.only(host)) {
        throw new IllegalArgumentException("node '" + node.name() + "' would serve its cluster"
            + " port in plaintext on " + host + ", which is not a loopback address: anyone who"
            + " reaches it could join the cluster or send an entity a message. Turn on TLS ("
            + PATH + ".key-store and " + PATH + ".trust-store, or " + PATH
            + ".dev-ca-dir for a throw-away CA; docs/security.md), or set " + PATH
            + ".allow-plaintext-off-loopback = on if the network itself authenticates peers");
      }
    }
  }



  private static String string(Config tls, String key) {
    try {
      return tls.getString(key).strip();
    } catch (ConfigException.WrongType e) {
      throw new IllegalArgumentException(PATH + "." + key + " = " + tls.getValue(key).render()
          + " is not a string", e);
    }
  }
}
