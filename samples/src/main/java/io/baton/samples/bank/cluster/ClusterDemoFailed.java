package io.baton.samples.bank.cluster;

/**
 * The bank cluster demo did not see what it must: the cluster did not form, the load could not get
 * through after a node died, a transfer did not end, or money was created or destroyed. The message
 * says which; the nodes' logs (their paths are printed) show the rest.
 */
public final class ClusterDemoFailed extends Exception {
  private static final long serialVersionUID = 1L;

  ClusterDemoFailed(String message) {
    super(message);
  }

  ClusterDemoFailed(String message, Throwable cause) {
    super(message, cause);
  }
}
