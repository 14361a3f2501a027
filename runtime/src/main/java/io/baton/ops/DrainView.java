package io.baton.ops;

import java.util.List;

/**
 * The answer of {@code GET /drain}, {@code POST /drain/{node}} and {@code POST /undrain/{node}}:
 * every drained node of the cluster with its progress, read after the request took effect.
 *
 * @param requested the address the node of a POST resolved to; null for {@code GET /drain}
 * @param confirmedByAll for a POST: true when every reachable member confirmed the change within
 *     {@code baton.ops.report-timeout}; false when some did not (the change holds on the node that
 *     took the request and spreads by gossip within seconds); null for {@code GET /drain}
 * @param drains one entry per drained node, in address order
 */
public record DrainView(String requested, Boolean confirmedByAll, List<DrainProgress> drains) {

  /** The entry of {@code node}, or null when it is not drained. */
  public DrainProgress drainOf(String node) {
    for (DrainProgress drain : drains) {
      if (drain.node().equals(node)) {
        return drain;
      }
    }
    return null;
  }
}
