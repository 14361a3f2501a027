package io.baton.ops.internal;

import io.baton.journal.replication.JournalReplication;
import io.baton.ops.NodeStatus;
import io.baton.ring.Ring;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.ClusterEvent.CurrentClusterState;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;

/**
 * Reads what operators see of one node: its cluster view, its ring, and (when the node uses
 * Baton's journal) its replication and store. Every read is a fresh look at state other parts own
 * (Pekko's cluster state, the journal's counters); this class keeps nothing of its own, so any
 * thread may call it.
 */
public final class NodeObservation {

  /** The health of a node: whether it can serve, and a one-line reason either way. */
  public record Health(boolean healthy, String reason) {}

  private static final String VERSION = readVersion();

  private final ActorSystem system;
  private final Cluster cluster;
  private final JournalReplication replication;
  private final String name;
  private final String appVersion;

  /**
   * Observes {@code system}.
   *
   * @throws IllegalArgumentException naming the key, if {@code baton.node.app-version} is not
   *     allowed
   */
  public NodeObservation(ActorSystem system) {
    this.system = system;
    this.appVersion = AppVersion.fromConfig(system.settings().config());
    boolean clustered =
        system.settings().ProviderClass().equals("org.apache.pekko.cluster.ClusterActorRefProvider");
    this.cluster = clustered ? Cluster.get(system) : null;
    // Only a node whose journal is Baton's has a store and replication to show; looking them up
    // on another node would open a store in the default directory.
    boolean batonJournal = system.settings().config()
        .getString("pekko.persistence.journal.plugin").equals("baton.journal");
    this.replication = batonJournal ? JournalReplication.get(system) : null;
    String configured = system.settings().config().hasPath("baton.node.name")
        ? system.settings().config().getString("baton.node.name")
        : "";
    this.name = configured.isEmpty() ? selfAddress() : configured;
  }

  /** This node's name ({@code baton.node.name}), or its address when none was given. */
  public String name() {
    return name;
  }

  /** The application version this node runs ({@link AppVersion}). */
  public String appVersion() {
    return appVersion;
  }

  /** The Baton version this node runs (from the build), or "unknown". */
  public static String version() {
    return VERSION;
  }

  public boolean clustered() {
    return cluster != null;
  }

  /** The journal's replication on this node, if it uses Baton's journal. */
  public Optional<JournalReplication> replication() {
    return Optional.ofNullable(replication);
  }

  /** The current cluster state, if clustered. */
  public Optional<CurrentClusterState> clusterState() {
    return cluster == null ? Optional.empty() : Optional.of(cluster.state());
  }

  public String selfAddress() {
    return cluster != null
        ? cluster.selfAddress().toString()
        : system.provider().getDefaultAddress().toString();
  }

  /**
   * What this node alone knows of {@code GET /status}: itself, the members, the ring, its
   * replication and store ({@code nodes} empty, {@code progress} null; {@link
   * ClusterOperations#status} adds the other nodes' reports).
   */
  public NodeStatus status() {
    String self = selfAddress();
    List<NodeStatus.Member> members = new ArrayList<>();
    List<String> ring;
    String selfStatus;
    if (cluster == null) {
      members.add(new NodeStatus.Member(self, "Alone", true));
      ring = List.of(self);
      selfStatus = "Alone";
    } else {
      CurrentClusterState state = cluster.state();
      List<Address> owners = new ArrayList<>();
      for (Member member : state.getMembers()) {
        boolean reachable = !state.getUnreachable().contains(member);
        members.add(new NodeStatus.Member(
            member.address().toString(), member.status().toString(), reachable));
        // The same rule as the journal's ring (RingView): Leaving members still own their data.
        if (member.status().equals(MemberStatus.up())
            || member.status().equals(MemberStatus.leaving())) {
          owners.add(member.address());
        }
      }
      ring = Ring.of(owners).nodes().stream().map(Address::toString).toList();
      selfStatus = cluster.selfMember().status().toString();
    }
    return new NodeStatus(
        new NodeStatus.Node(self, name, VERSION, appVersion, system.uptime(),
            cluster != null, selfStatus),
        members,
        ring,
        replication == null ? null : replication.status(),
        replication == null ? null : replication.store().stats(),
        List.of(),
        null,
        null,
        io.baton.services.NodeServices.get(system).status());
  }

  /**
   * Healthy when the node runs alone (no cluster provider) or is Up in its cluster; otherwise
   * (joining, leaving, down, removed) not, with the status as the reason.
   */
  public Health health() {
    if (cluster == null) {
      return new Health(true, "OK: running alone (no cluster)");
    }
    if (cluster.isTerminated()) {
      return new Health(false, "not serving: this node has left the cluster (shut down or removed)");
    }
    Member self = cluster.selfMember();
    CurrentClusterState state = cluster.state();
    long up = 0;
    for (Member member : state.getMembers()) {
      if (member.status().equals(MemberStatus.up())) {
        up++;
      }
    }
    if (self.status().equals(MemberStatus.up())) {
      return new Health(true, "OK: Up in a cluster of " + up + " Up member(s), "
          + state.getUnreachable().size() + " unreachable");
    }
    return new Health(false, "not serving: this node is " + self.status()
        + ", not Up (it serves once the cluster leader has moved it to Up)");
  }

  private static String readVersion() {
    try (InputStream in = NodeObservation.class.getResourceAsStream(
        "/io/baton/ops/version.properties")) {
      return batonVersion(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read io/baton/ops/version.properties", e);
    }
  }

  /**
   * Baton's own version from its {@code io/baton/ops/version.properties} (written by Baton's
   * build), or "unknown" without it. Never the jar manifest's {@code Implementation-Version}: in
   * an application's fat jar that is the application's version, which {@code appVersion} reports.
   */
  static String batonVersion(InputStream properties) throws IOException {
    if (properties == null) {
      return "unknown";
    }
    Properties read = new Properties();
    read.load(properties);
    String version = read.getProperty("version", "unknown").strip();
    return version.isEmpty() || version.startsWith("${") ? "unknown" : version;
  }

}
