package io.baton.upgrade;

import io.baton.ops.NodeStatus;

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
    return new io.baton.upgrade.internal.HttpClusterProbe(requestTimeout);
  }
}
