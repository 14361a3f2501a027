package io.baton.benchmarks.journal;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The journal set-ups compared, each run in its own JVM by {@code run-journal.sh}. */
enum JournalTarget {
  BATON_SYNC("baton-sync", "Baton R=2 sync",
      "2 nodes in one JVM over Artery TCP on 127.0.0.1, baton.journal.replication"
          + " { mode = sync, factor = 2 }, fsync = on"),
  BATON_ASYNC("baton-async", "Baton R=2 async",
      "2 nodes in one JVM over Artery TCP on 127.0.0.1, baton.journal.replication"
          + " { mode = async, factor = 2 }, fsync = on"),
  BATON_R1("baton-r1", "Baton R=1",
      "1 node, no cluster (local provider), replication.factor = 1, fsync = on"),
  JDBC("jdbc", "jdbc/PostgreSQL",
      "pekko-persistence-jdbc 1.1.1, 1 node, no cluster, local PostgreSQL with its defaults"
          + " (synchronous_commit = on, fsync = on)");

  private final String id;
  private final String label;
  private final String setUp;

  JournalTarget(String id, String label, String setUp) {
    this.id = id;
    this.label = label;
    this.setUp = setUp;
  }

  /** The name on the command line and in result files. */
  String id() {
    return id;
  }

  /** The column heading in reports. */
  String label() {
    return label;
  }

  String setUp() {
    return setUp;
  }

  boolean replicated() {
    return this == BATON_SYNC || this == BATON_ASYNC;
  }

  static JournalTarget of(String id) {
    for (JournalTarget target : values()) {
      if (target.id.equals(id)) {
        return target;
      }
    }
    throw new IllegalArgumentException("unknown target '" + id + "'; allowed: "
        + Arrays.stream(values()).map(JournalTarget::id).collect(Collectors.joining(", ")));
  }
}
