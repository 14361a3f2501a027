package io.baton.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster demo as the README runs it, {@code java -jar baton-samples-all.jar bank-cluster}:
 * three node JVMs from the fat jar under an open-loop load (fixed arrival rates), node1 (the
 * oldest node, the shard coordinator's host) killed with SIGKILL and restarted, then a graceful
 * rolling upgrade of all three to bank release 2 (the jar next to it), starting from node1, under
 * the same load. It must exit 0, print that no request was given up, every saga is final, the
 * takeover, every phase's figures, that the upgrade completed in the order node1, node2, node3,
 * that every node runs release 2, that the active version of the accounts' state advanced to 2,
 * that no request failed during the upgrade, the money-conservation line and {@code CLUSTER DEMO
 * OK}, and leave no node process behind.
 */
@Timeout(480)
class BankClusterDemoIT {

  private static final Duration RUN_DEADLINE = Duration.ofSeconds(420);
  private static final Pattern CONSERVED = Pattern.compile("(?m)^money: opening \\d+ \\+ deposits"
      + " \\d+ - withdrawals \\d+ = (\\d+), balances \\1: conserved$");
  private static final Pattern NOTHING_GIVEN_UP =
      Pattern.compile("(?m)^requests: [1-9][0-9]* ok, 0 failed, [0-9]+ retried .*open loop");
  private static final Pattern EVERY_SAGA_FINAL =
      Pattern.compile("(?m)^sagas: [1-9][0-9]* transfers, all final in ");
  private static final Pattern KILLED_THE_OLDEST = Pattern.compile("(?m)^>>> kill -9 \\d+ \\(node1,"
      + " the oldest node, the shard coordinator's host, hosting \\d+ shards\\)$");
  private static final Pattern TAKEOVER = Pattern.compile("(?m)^takeover: [0-9.]+ s from kill -9"
      + " of node1 \\(the oldest node, the shard coordinator's host\\) to the first successful"
      + " request of the last of [1-9][0-9]* entities that stalled");

  private static final Pattern UPGRADE_COMPLETED = Pattern.compile(
      "(?m)^upgrade: completed, 3 of 3 nodes from release 1 to release 2, graceful, in [0-9.]+ s"
          + " \\(order node1, node2, node3\\)$");
  private static final Pattern NO_FAILURE_DURING_UPGRADE =
      Pattern.compile("(?m)^  during the upgrade: [1-9][0-9]* requests ok, 0 failed, ");
  private static final Pattern ALL_ON_RELEASE_2 = Pattern.compile("(?m)^releases: every node runs"
      + " release 2 \\(node says node1 2, node2 2, node3 2; /status app version node1 2, node2"
      + " 2, node3 2\\)$");
  private static final Pattern ACTIVE_VERSION_2 = Pattern.compile("(?m)^active version of"
      + " Account.State: 2 \\(was 1 before the upgrade; nodes write at node1 2, node2 2, node3"
      + " 2\\)$");
  private static final Pattern OVERDRAFT_USED = Pattern.compile("(?m)^release 2 in use:"
      + " demo-acct-00 .* transfer of \\d+ to demo-acct-01 completed; demo-acct-00 now at -\\d+$");

  private static final Pattern NODE_STARTED = Pattern.compile("started, pid (\\d+)");

  @TempDir Path scratch;

  /**
   * Killing the oldest node under an open-loop load, then upgrading every node to release 2
   * under it, gives up no request, leaves every saga final and creates or destroys no money.
   */
  @Test
  void clusterDemoSurvivesKillNineAndRollingUpgradeUnderLoadAndConservesMoney() throws Exception {
    String out = runDemo(List.of(), List.of("bank-cluster"));
    assertTrue(KILLED_THE_OLDEST.matcher(out).find(), "node1 killed\n" + out);
    assertTrue(TAKEOVER.matcher(out).find(), "takeover line\n" + out);
    for (String phase : List.of("before", "takeover", "rejoin", "upgrade", "after")) {
      assertTrue(Pattern.compile("(?m)^  phase " + phase + " \\(from [0-9.]+ s\\): [1-9][0-9]*"
          + " requests, [0-9]+ ok, 0 failed, [0-9]+ retried; p50 .*, p99 .*, max .*$")
          .matcher(out).find(), "phase " + phase + " with no request given up\n" + out);
    }
    assertTrue(UPGRADE_COMPLETED.matcher(out).find(), "upgrade completed\n" + out);
    assertTrue(NO_FAILURE_DURING_UPGRADE.matcher(out).find(),
        "no request failed during the upgrade\n" + out);
    assertTrue(ALL_ON_RELEASE_2.matcher(out).find(), "every node on release 2\n" + out);
    assertTrue(ACTIVE_VERSION_2.matcher(out).find(), "active version 2\n" + out);
    assertTrue(OVERDRAFT_USED.matcher(out).find(), "release 2's overdraft used\n" + out);
    // The orchestrator's progress came out, node by node, in order.
    int first = out.indexOf("[node 1 of 3]");
    int second = out.indexOf("[node 2 of 3]");
    int third = out.indexOf("[node 3 of 3]");
    assertTrue(first >= 0 && first < second && second < third, "progress of node 1, 2, 3 in"
        + " order\n" + out);
  }

  /**
   * Runs the samples jar with {@code jvmOptions} and {@code args}, and returns its output once it
   * exited 0 with money conserved and {@code CLUSTER DEMO OK} last, every node it started gone.
   */
  private String runDemo(List<String> jvmOptions, List<String> args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(args);
    Path stdout = scratch.resolve("stdout.txt");
    Path stderr = scratch.resolve("stderr.txt");
    Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile())
        .redirectError(stderr.toFile()).start();
    long pid = process.pid();
    try {
      if (!process.waitFor(RUN_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
        fail(command + " did not exit within " + RUN_DEADLINE + "\n" + describe(stdout, stderr));
      }
      String out = Files.readString(stdout);
      String describe = describe(stdout, stderr);
      assertEquals(0, process.exitValue(), describe);
      assertTrue(CONSERVED.matcher(out).find(), describe);
      assertTrue(NOTHING_GIVEN_UP.matcher(out).find(), describe);
      assertTrue(EVERY_SAGA_FINAL.matcher(out).find(), describe);
      List<String> lines = out.lines().toList();
      assertEquals("CLUSTER DEMO OK", lines.get(lines.size() - 1), describe);
      // The demo stopped every node it started, by PID, before it exited.
      for (long node : nodePids(stdout)) {
        assertTrue(ProcessHandle.of(node).map(h -> !h.isAlive()).orElse(true),
            "node process " + node + " outlived the demo\n" + describe);
      }
      return describe;
    } finally {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      for (long node : nodePids(stdout)) {
        ProcessHandle.of(node).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  /** The PIDs of the nodes the demo says it started. */
  private static List<Long> nodePids(Path stdout) throws java.io.IOException {
    List<Long> pids = new ArrayList<>();
    var matcher = NODE_STARTED.matcher(Files.readString(stdout));
    while (matcher.find()) {
      pids.add(Long.parseLong(matcher.group(1)));
    }
    return pids;
  }

  private static String describe(Path stdout, Path stderr) throws java.io.IOException {
    return "--- stdout\n" + Files.readString(stdout) + "--- stderr\n" + Files.readString(stderr);
  }

  private static Path jar() {
    String property = System.getProperty("baton.samples.jar");
    assertTrue(property != null, "system property baton.samples.jar is not set; run through"
        + " failsafe (mvn verify), which sets it to the jar the package phase built");
    Path jar = Path.of(property);
    assertTrue(Files.isRegularFile(jar), jar + " does not exist; run mvn verify");
    return jar;
  }
}
