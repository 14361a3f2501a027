package io.baton.ring;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.Member;

/**
 * The nodes of the cluster in one deterministic circular order: every node that sees the same
 * members computes the same ring. A node's successors are the nodes after it, wrapping around;
 * the replicas of what a node writes live on the node itself and its next {@code R-1} successors.
 *
 * <p>Immutable. Order is Pekko's address ordering (host, then port), so it does not depend on the
 * order members joined or on which node computes it.
 */
public final class Ring {

  private final List<Address> nodes;

  private Ring(List<Address> nodes) {
    this.nodes = nodes;
  }

  /** The ring of these nodes (duplicates are ignored). */
  public static Ring of(Collection<Address> members) {
    List<Address> sorted = new ArrayList<>();
    for (Address address : members) {
      if (!sorted.contains(Objects.requireNonNull(address, "address"))) {
        sorted.add(address);
      }
    }
    sorted.sort(Member.addressOrdering()::compare);
    return new Ring(List.copyOf(sorted));
  }

  /** The nodes in ring order. */
  public List<Address> nodes() {
    return nodes;
  }

  public int size() {
    return nodes.size();
  }

  public boolean contains(Address node) {
    return nodes.contains(node);
  }

  /**
   * The {@code count} nodes after {@code node} in ring order, fewer if the ring is smaller; never
   * {@code node} itself. {@code node} need not be on the ring (a node that just left): then its
   * successors are the nodes that would follow it.
   */
  public List<Address> successors(Address node, int count) {
    List<Address> result = new ArrayList<>(Math.max(0, count));
    if (nodes.isEmpty() || count <= 0) {
      return result;
    }
    int start = firstAfter(node);
    for (int i = 0; i < nodes.size() && result.size() < count; i++) {
      Address candidate = nodes.get((start + i) % nodes.size());
      if (!candidate.equals(node)) {
        result.add(candidate);
      }
    }
    return result;
  }

  /** The first successor of {@code node}, or {@code null} if it is alone. */
  public Address successor(Address node) {
    List<Address> next = successors(node, 1);
    return next.isEmpty() ? null : next.get(0);
  }

  /** The node whose first successor is {@code node}, or {@code null} if it is alone. */
  public Address predecessor(Address node) {
    for (Address candidate : nodes) {
      if (!candidate.equals(node) && node.equals(successor(candidate))) {
        return candidate;
      }
    }
    return null;
  }

  /**
   * Where the events written by {@code owner} are kept with replication factor {@code r}: the
   * owner, then its next {@code r-1} successors (fewer when the ring is smaller than {@code r}).
   */
  public List<Address> replicaSet(Address owner, int r) {
    if (r < 1) {
      throw new IllegalArgumentException("replication factor must be at least 1, was " + r);
    }
    List<Address> set = new ArrayList<>(r);
    set.add(owner);
    set.addAll(successors(owner, r - 1));
    return set;
  }

  private int firstAfter(Address node) {
    for (int i = 0; i < nodes.size(); i++) {
      if (Member.addressOrdering().compare(nodes.get(i), node) > 0) {
        return i;
      }
    }
    return 0;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Ring ring && ring.nodes.equals(nodes);
  }

  @Override
  public int hashCode() {
    return nodes.hashCode();
  }

  @Override
  public String toString() {
    return "Ring" + nodes;
  }
}
