package io.baton.samples.bank.cluster;

import java.time.Duration;
import java.util.List;

/**
 * What a run of {@link BankClusterDemo} does: how many nodes, how long the open-loop load runs
 * and at what arrival rates, which node is killed with SIGKILL and restarted during it, and
 * whether every node is then upgraded. An immutable value, validated when built; {@link #parse}
 * reads it from {@code bank-load}'s flags.
 *
 * @param nodes node JVMs started on 127.0.0.1, at least 1 (at least 3 with {@code kill})
 * @param duration how long the load runs in all, at least 1 s (an upgrade extends it: the load
 *     runs on for as long as the upgrade takes)
 * @param transferRate transfers ordered per second, at a fixed arrival rate (open loop: requests
 *     start on time whatever the cluster does), positive
 * @param accountRate deposits and withdrawals per second, at a fixed arrival rate, positive
 * @param kill the node killed under load ({@link #killAfter}) and restarted ({@link
 *     #restartAfter}), 1 to {@code nodes}, or 0 for none; node 1 seeds the cluster, so it is the
 *     oldest member and hosts the shard coordinator
 * @param upgrade whether, once that is done (or after {@link #killAfter} without a kill), every
 *     node is upgraded from bank release 1 to release 2 under the same load, gracefully, one at a
 *     time, in ring order (node 1 first: it has the lowest address)
 */
public record LoadPlan(int nodes, Duration duration, double transferRate, double accountRate,
    int kill, boolean upgrade) {

  /** The default arrival rates: what 2 cores sustain with three nodes and the demo's JVM. */
  public static final double DEFAULT_TRANSFER_RATE = 8;
  public static final double DEFAULT_ACCOUNT_RATE = 4;

  /**
   * The README demo: three nodes, 20 s of load at 8 transfers/s and 4 deposits and
   * withdrawals/s, node1 (the oldest node, the shard coordinator's host) killed after 10 s (a
   * cluster that has served a while, not three cold JVMs) and restarted at 22 s, then a rolling upgrade of all three to release 2 under the same load.
   */
  public static final LoadPlan DEMO = new LoadPlan(3, Duration.ofSeconds(20),
      DEFAULT_TRANSFER_RATE, DEFAULT_ACCOUNT_RATE, 1, true);

  public LoadPlan {
    if (nodes < 1) {
      throw new IllegalArgumentException("--nodes=" + nodes + ": at least 1 node");
    }
    if (upgrade && nodes < 2) {
      throw new IllegalArgumentException("--upgrade needs at least 2 nodes (--nodes=" + nodes
          + "): a drained node's shards need another node to run on");
    }
    if (kill != 0 && nodes < 3) {
      throw new IllegalArgumentException("--kill needs at least 3 nodes (--nodes=" + nodes
          + "): with fewer, the Split Brain Resolver cannot tell the dead node from a partition");
    }
    if (kill < 0 || kill > nodes) {
      throw new IllegalArgumentException("--kill=node" + kill + " is not a node of the run: use"
          + " node1 to node" + nodes);
    }
    if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("--duration=" + duration + ": at least 1s");
    }
    if (!(transferRate > 0) || !(accountRate > 0)) {
      throw new IllegalArgumentException("--transfer-rate=" + transferRate + ", --account-rate="
          + accountRate + ": both must be positive (requests per second, open loop)");
    }
  }

  /** Whether a node is killed and restarted. */
  public boolean kills() {
    return kill != 0;
  }

  /** After how much load the node is killed: a fifth of the run, at least 10 s (warm JVMs). */
  public Duration killAfter() {
    return max(Duration.ofSeconds(10), duration.dividedBy(5));
  }

  /** After how much load it is restarted: 12 s after the kill, or half-way if that is later. */
  public Duration restartAfter() {
    return max(killAfter().plusSeconds(12), duration.dividedBy(2));
  }

  /** The same plan with or without the rolling upgrade. */
  public LoadPlan withUpgrade(boolean value) {
    return new LoadPlan(nodes, duration, transferRate, accountRate, kill, value);
  }

  /**
   * Reads {@code --nodes=N}, {@code --duration=D} (e.g. {@code 60s}, {@code 2m}, or seconds),
   * {@code --transfer-rate=R} (or {@code --rate=R}), {@code --account-rate=R}, {@code --kill}
   * (node1) or {@code --kill=nodeK}, and {@code --upgrade}, also as {@code --flag value}; unnamed
   * values keep {@link #DEMO}'s, except that the duration is 60 s and nothing is killed or
   * upgraded unless asked for. Throws with the flag, the value and what is allowed.
   */
  public static LoadPlan parse(List<String> args) {
    int nodes = DEMO.nodes();
    Duration duration = Duration.ofSeconds(60);
    double transferRate = DEFAULT_TRANSFER_RATE;
    double accountRate = DEFAULT_ACCOUNT_RATE;
    int kill = 0;
    boolean upgrade = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      if (arg.equals("--kill")) {
        kill = 1;
        continue;
      }
      if (name.equals("--upgrade")) {
        upgrade = true;
        continue;
      }
      String value;
      if (arg.contains("=")) {
        value = arg.substring(arg.indexOf('=') + 1);
      } else if (i + 1 < args.size()) {
        value = args.get(++i);
      } else {
        throw new IllegalArgumentException(name + " needs a value");
      }
      switch (name) {
        case "--nodes" -> nodes = integer(name, value);
        case "--rate", "--transfer-rate" -> transferRate = rate(name, value);
        case "--account-rate" -> accountRate = rate(name, value);
        case "--duration" -> duration = duration(value);
        case "--kill" -> kill = node(value);
        default -> throw new IllegalArgumentException("unknown flag " + arg
            + ": expected --nodes=N, --duration=D, --transfer-rate=R, --account-rate=R,"
            + " --kill[=nodeK], --upgrade");
      }
    }
    return new LoadPlan(nodes, duration, transferRate, accountRate, kill, upgrade);
  }

  private static int node(String value) {
    String v = value.strip();
    try {
      int node = Integer.parseInt(v.startsWith("node") ? v.substring(4) : v);
      if (node < 1) {
        throw new NumberFormatException("below 1");
      }
      return node;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--kill=" + value + " is not a node: use e.g."
          + " --kill=node1 (the oldest node, the shard coordinator's host) or --kill=node3");
    }
  }

  private static int integer(String name, String value) {
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + "=" + value + " is not a whole number");
    }
  }

  private static double rate(String name, String value) {
    try {
      return Double.parseDouble(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + "=" + value + " is not a number of requests per"
          + " second");
    }
  }

  private static Duration duration(String value) {
    String v = value.strip().toLowerCase(java.util.Locale.ROOT);
    try {
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      }
      if (v.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
      }
      if (v.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
      }
      return Duration.ofSeconds(Long.parseLong(v));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--duration=" + value
          + " is not a duration: use e.g. 90s, 2m or 90");
    }
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
