package io.baton.samples.bank.cluster;

import java.time.Duration;
import java.util.List;

/**
 * What a run of {@link BankClusterDemo} does: how many nodes, how long the load runs and at what
 * rate, and whether the last node is killed with SIGKILL and restarted during it. An immutable
 * value, validated when built; {@link #parse} reads it from {@code bank-load}'s flags.
 *
 * @param nodes node JVMs started on 127.0.0.1, at least 1 (at least 3 with {@code kill})
 * @param duration how long the load runs in all, at least 1 s
 * @param rate transfers ordered per second by all clients together; 0 means as fast as they can
 * @param kill whether the last node is killed under load ({@link #killAfter}) and restarted
 *     ({@link #restartAfter})
 * @param upgrade whether, once that is done (or after {@link #killAfter} without a kill), every
 *     node is upgraded from bank release 1 to release 2 under the same load, gracefully, one at a
 *     time; the load then runs on for as long as the upgrade takes
 */
public record LoadPlan(int nodes, Duration duration, int rate, boolean kill, boolean upgrade) {

  /**
   * The README demo: three nodes, 20 s of load, node3 killed after 4 s, restarted at 16 s, then a
   * rolling upgrade of all three to release 2 under the same load.
   */
  public static final LoadPlan DEMO = new LoadPlan(3, Duration.ofSeconds(20), 0, true, true);

  /** A plan without a rolling upgrade. */
  public LoadPlan(int nodes, Duration duration, int rate, boolean kill) {
    this(nodes, duration, rate, kill, false);
  }

  public LoadPlan {
    if (upgrade && nodes < 2) {
      throw new IllegalArgumentException("--upgrade needs at least 2 nodes (--nodes=" + nodes
          + "): a drained node's shards need another node to run on");
    }
    if (nodes < 1) {
      throw new IllegalArgumentException("--nodes=" + nodes + ": at least 1 node");
    }
    if (kill && nodes < 3) {
      throw new IllegalArgumentException("--kill needs at least 3 nodes (--nodes=" + nodes
          + "): with fewer, the Split Brain Resolver cannot tell the dead node from a partition");
    }
    if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("--duration=" + duration + ": at least 1s");
    }
    if (rate < 0) {
      throw new IllegalArgumentException("--rate=" + rate + ": 0 (as fast as possible) or more"
          + " transfers per second");
    }
  }

  /** After how much load the last node is killed: a fifth of the run, at least 4 s. */
  public Duration killAfter() {
    return max(Duration.ofSeconds(4), duration.dividedBy(5));
  }

  /** The same plan with or without the rolling upgrade. */
  public LoadPlan withUpgrade(boolean value) {
    return new LoadPlan(nodes, duration, rate, kill, value);
  }

  /** After how much load it is restarted: 12 s after the kill, or half-way if that is later. */
  public Duration restartAfter() {
    return max(killAfter().plusSeconds(12), duration.dividedBy(2));
  }

  /** How many load clients run: enough for the rate (about 5 transfers a second each), 2-64. */
  public int workers() {
    return rate == 0 ? 6 : Math.max(2, Math.min(64, (rate + 4) / 5));
  }

  /**
   * Reads {@code --nodes=N}, {@code --duration=D} (e.g. {@code 60s}, {@code 2m}, or seconds),
   * {@code --rate=R}, {@code --kill} and {@code --upgrade}, also as {@code --flag value}; unnamed
   * values keep {@link #DEMO}'s, except that {@code kill} and {@code upgrade} are off unless asked
   * for. Throws with the flag, the value and
   * what is allowed.
   */
  public static LoadPlan parse(List<String> args) {
    int nodes = DEMO.nodes();
    Duration duration = Duration.ofSeconds(60);
    int rate = 0;
    boolean kill = false;
    boolean upgrade = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      if (name.equals("--kill")) {
        kill = true;
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
        case "--rate" -> rate = integer(name, value);
        case "--duration" -> duration = duration(value);
        default -> throw new IllegalArgumentException("unknown flag " + arg
            + ": expected --nodes=N, --duration=D, --rate=R, --kill, --upgrade");
      }
    }
    return new LoadPlan(nodes, duration, rate, kill, upgrade);
  }

  private static int integer(String name, String value) {
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + "=" + value + " is not a whole number");
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
