package io.baton.upgrade.rolling;

import java.util.Objects;

/**
 * One node to upgrade, as the operator names it: a name and the {@code host:port} of its operator
 * endpoint ({@code baton.ops.host}/{@code baton.ops.port}). Its cluster address is learnt from the
 * endpoint's {@code /status}.
 *
 * @param name the node's name: its {@code baton.node.name}, as {@code /status} reports it
 * @param endpoint {@code host:port} of its operator endpoint
 */
public record UpgradeTarget(String name, String endpoint) {

  public UpgradeTarget {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(endpoint, "endpoint");
    if (!endpoint.matches("[^/:\\s]+:[0-9]{1,5}")) {
      throw new IllegalArgumentException("'" + endpoint + "' is not an operator endpoint: write"
          + " host:port (baton.ops.host and baton.ops.port of the node)");
    }
  }

  @Override
  public String toString() {
    return name + " (" + endpoint + ")";
  }
}
