package io.baton.upgrade.rolling;

import io.baton.ops.NodeStatus;
import java.util.List;

/**
 * What {@link RollingUpgrade} asks of the nodes' operator endpoints ({@code io.baton.ops}): their
 * status, their health, drain and undrain. {@link #http} is the real one; tests supply a fake.
 * An endpoint is {@code host:port}.
 */
public interface ClusterProbe {

  /** {@code GET /status} of the endpoint: the node and the cluster as it sees them. */
  NodeStatus status(String endpoint) throws ProbeException;

  /**
   * {@code GET /health}: null when the node answered 200, else the reason it gave (or why it could
   * not be asked).
   */
  String unhealthy(String endpoint);

  /** {@code POST /drain/{node}} through the endpoint. */
  void drain(String endpoint, String node) throws ProbeException;

  /** {@code POST /undrain/{node}} through the endpoint. */
  void undrain(String endpoint, String node) throws ProbeException;

  /**
   * The cluster's version gate as the endpoint sees it ({@code /status} field {@code upgrade}):
   * per class its active version and the lowest version the running jars can still write down to;
   * null when the status has no gate (a Baton without it, or {@code baton.upgrade.gate.enabled =
   * off}).
   */
  List<ActiveVersion> activeVersions(String endpoint) throws ProbeException;

  /**
   * One class at the version gate.
   *
   * @param className the class as named in stored data
   * @param active its active version, or null while undecided
   * @param oldestWritable the lowest {@code oldestWritable} over the members' jars: by the rule
   *     of docs/guide/upgrade.md, the previous release's version; null when no member reported
   */
  record ActiveVersion(String className, Integer active, Integer oldestWritable) {}

  /** The endpoint could not be asked, or refused; the message says which and why. */
  final class ProbeException extends Exception {
    public ProbeException(String message) {
      super(message);
    }

    public ProbeException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The operator endpoints over HTTP, each request bounded by {@code requestTimeout}. */
  static ClusterProbe http(java.time.Duration requestTimeout) {
    return new io.baton.upgrade.rolling.internal.HttpClusterProbe(requestTimeout);
  }

  /**
   * The operator endpoints over HTTP, each request bounded by {@code requestTimeout} and carrying
   * {@code token}, if present, as its bearer token (baton.ops.auth.token-file).
   */
  static ClusterProbe http(java.time.Duration requestTimeout,
      java.util.Optional<String> token) {
    return new io.baton.upgrade.rolling.internal.HttpClusterProbe(requestTimeout, token);
  }
}
