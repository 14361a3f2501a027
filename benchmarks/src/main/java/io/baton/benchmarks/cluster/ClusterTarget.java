package io.baton.benchmarks.cluster;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The cluster set-ups compared, each measured by {@code run-cluster.sh} in its own driver JVM. */
enum ClusterTarget {
  BATON("baton", "Baton",
      "BatonNode with Baton's default settings (reference.conf): process-death detector on,"
          + " failure detector 500 ms / 2 s, SBR keep-majority stable-after 2 s, removal margin 0,"
          + " RingSuccessorAllocation, replicated journal (sync, factor 2, RocksDB on each node);"
          + " client: BatonClient (idempotency key, default RetryPolicy) over HttpTransport"),
  BATON_TLS("baton-tls", "Baton on TLS",
      "as baton, with the cluster transport (Artery) on TLS with mutual authentication:"
          + " tls-tcp, certificates of a dev-mode cluster CA (baton.node.tls.dev-ca-dir, one CA"
          + " per run); the client's HTTP stays plain"),
  PEKKO_DEFAULT("pekko-default", "Pekko, defaults + SBR",
      "stock Cluster Sharding, every setting Pekko's default except"
          + " downing-provider-class = SplitBrainResolverProvider (its defaults: keep-majority,"
          + " stable-after 20 s, removal margin = stable-after); pekko-persistence-jdbc on one"
          + " shared PostgreSQL; client: plain HTTP, 2 s per attempt, next node after 100 ms,"
          + " 10 s deadline, no idempotency key"),
  PEKKO_TUNED("pekko-tuned", "Pekko, tuned",
      "as pekko-default, plus failure detector heartbeat 500 ms / acceptable pause 2 s /"
          + " reaper 250 ms and SBR stable-after 2 s (removal margin = 2 s)");

  private final String id;
  private final String label;
  private final String setUp;

  ClusterTarget(String id, String label, String setUp) {
    this.id = id;
    this.label = label;
    this.setUp = setUp;
  }

  /** The name on the command line and in result files. */
  String id() {
    return id;
  }

  String label() {
    return label;
  }

  String setUp() {
    return setUp;
  }

  boolean stock() {
    return this == PEKKO_DEFAULT || this == PEKKO_TUNED;
  }

  static ClusterTarget of(String id) {
    for (ClusterTarget target : values()) {
      if (target.id.equals(id)) {
        return target;
      }
    }
    throw new IllegalArgumentException("unknown target '" + id + "'; allowed: "
        + Arrays.stream(values()).map(ClusterTarget::id).collect(Collectors.joining(", ")));
  }
}
