package io.baton.samples.bank.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.load.Attempt;
import io.baton.load.Outcome;
import io.baton.load.RequestOutcome;
import io.baton.runtime.ClassSharing;
import io.baton.samples.bank.load.BankLoadSettings;
import io.baton.samples.bank.load.BankOpenLoad;
import io.baton.samples.bank.load.MoneyCheck;
import io.baton.samples.bank.load.SagaCheck;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The oldest node (the shard coordinator's host, node1, first of every node's static seed list)
 * under an open-loop load of transfers (sagas, whose type remembers its entities) and account
 * operations: a graceful rolling upgrade that starts from it, then, on the same cluster and load,
 * a kill -9 of it with sagas in flight (one cluster for both: each start of three node JVMs and
 * its warm-up cost the suite half a minute). The load does not wait for the cluster: a stall shows as requests given up. Every
 * process is killed by PID at the end, the restarted ones through their PID files.
 */
@Timeout(600)
class CoordinatorHostUnderOpenLoadIT {

  private static final Duration NODE_START = Duration.ofSeconds(120);
  private static final Duration UPGRADE_DEADLINE = Duration.ofMinutes(6);
  /**
   * A rate this 2-core machine sustains with three node JVMs and the test's own, in CI beside
   * the build; {@code -Dbaton.it.transfers-per-second} and {@code -Dbaton.it.account-ops-per-second}
   * set others (the measurements of docs/benchmarks.md).
   */
  private static final double TRANSFERS_PER_SECOND =
      Double.parseDouble(System.getProperty("baton.it.transfers-per-second", "6"));
  private static final double ACCOUNT_OPS_PER_SECOND =
      Double.parseDouble(System.getProperty("baton.it.account-ops-per-second", "3"));
  /**
   * JVM options added to every node's (after the harness's own, so they win), space-separated:
   * {@code -Dbaton.it.node-jvm-options="-XX:TieredStopAtLevel=4 -Xmx512m"} for a measurement with
   * the full JIT.
   */
  private static final List<String> NODE_JVM_OPTIONS = Arrays.stream(
      System.getProperty("baton.it.node-jvm-options", "").trim().split("\\s+"))
      .filter(option -> !option.isEmpty()).toList();
  /**
   * How long the load runs on the new cluster before the measured phases: an upgrade or a kill
   * happens to a cluster that has served for a while (its shards allocated, its JVMs compiled),
   * and on a shared 2-core machine the first seconds of three cold JVMs are not what is tested.
   * Requests of this phase ("load") are reported, not asserted.
   */
  private static final int WARM_UP_SECONDS = 15;
  /** A request slower than this is listed in the kept report, with its attempts. */
  private static final Duration SLOW = Duration.ofMillis(500);
  private static final List<String> MEASURED = List.of("before", "upgrade", "after-upgrade",
      "takeover", "rejoin", "after-takeover");

  @TempDir Path root;

  private BankNodeJvms jvms;
  private final List<Integer> opsPorts = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @AfterEach
  void killEveryProcessByPid(TestInfo test)
      throws InterruptedException, IOException {
    try {
      killEveryProcess();
    } finally {
      keepNodeLogs(test.getTestMethod().map(Method::getName).orElse("run"));
    }
  }

  /**
   * Copies every node's log and the upgrade's per-node logs next to the kept reports, so that a
   * failed (or slow) run can be read after its temporary directory is gone.
   */
  private void keepNodeLogs(String name) throws IOException {
    Path dir = Path.of("target", "open-load-reports", name + "-logs-" + System.currentTimeMillis());
    try (var files = Files.walk(root)) {
      for (Path file : files.filter(this::isNodeLog).toList()) {
        Path copy = dir.resolve(root.relativize(file).toString().replace('/', '-'));
        Files.createDirectories(dir);
        Files.copy(file, copy);
      }
    }
  }

  /** A node's own log, its console output or an upgrade log; never a journal file of RocksDB. */
  private boolean isNodeLog(Path file) {
    Path relative = root.relativize(file);
    String name = file.getFileName().toString();
    if (relative.getNameCount() == 1) {
      return name.matches("node\\d+\\.log") || name.endsWith(".out");
    }
    return relative.getNameCount() == 2 && relative.getName(0).toString().equals("upgrade-logs");
  }

  private void killEveryProcess() throws InterruptedException, IOException {
    if (jvms != null) {
      jvms.killAll();
    }
    for (int i = 1; i <= 3; i++) {
      Path pidFile = root.resolve("node" + i + ".pid");
      if (Files.isRegularFile(pidFile)) {
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        ProcessHandle.of(pid).ifPresent(handle -> {
          handle.destroyForcibly();
          handle.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
        });
      }
    }
  }

  /**
   * Property, on one cluster under one open-loop load with a remembered-entity type: a graceful
   * rolling upgrade to release 2 that starts from the coordinator's host gives up no request, and
   * afterwards every type is balanced, no request waits and no shard is without a home; then
   * node1, the oldest node again (the upgrade restarted node1, node2, node3 in that order), is
   * killed with SIGKILL with sagas in flight and restarted on release 2, and no request is given
   * up either. At the end every saga is final and money is conserved.
   */
  @Test
  void aGracefulUpgradeFromTheCoordinatorsHostThenAKillOfItGiveUpNoRequest() throws Exception {
    startCluster();
    Path v2 = BankNodeJvms.jar("baton.samples.v2.jar");
    Path script = startScript();
    try (BankOpenLoad load = openLoad()) {
      Queue<RequestOutcome> slow = recordSlow(load);
      startWarmedUp(load);
      load.markPhase("upgrade");
      List<String> command = new ArrayList<>(List.of(BankNodeJvms.java(), "-Xmx128m", "-jar",
          BankNodeJvms.jar("baton.samples.jar").toString(), "upgrade",
          "--nodes=" + nodeList(), "--jar=" + v2, "--mode=graceful",
          "--pid-file=" + root.resolve("{node}.pid"), "--log-dir=" + root.resolve("upgrade-logs"),
          "--expect-app-version=2", "--token-file=" + tokenFile(),
          "--start-command=sh " + script + " {jar} {node}"));
      Path out = root.resolve("upgrade.out");
      Process upgrade = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(out.toFile()).start();
      jvms.track(upgrade);
      if (!upgrade.waitFor(UPGRADE_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
        String progress = Files.readString(out);
        keep("graceful-upgrade-from-coordinator-host-FAILED", load.stop().format() + "\n"
            + progress + formatSlow(slow));
        fail("the upgrade did not end within " + UPGRADE_DEADLINE + "\n" + progress
            + jvms.logs());
      }
      String upgraded = Files.readString(out);
      load.markPhase("after-upgrade");
      assertTrue(upgraded.contains("[node 1 of 3] node1"), "starts from node1\n" + upgraded);
      assertEquals(0, upgrade.exitValue(), upgraded + jvms.logs());
      assertSettled();
      awaitLoadSeconds(load, 8);

      // node1 came back first, so it is the oldest member again: the coordinators' host.
      assertTrue(uptimeSeconds(0) >= uptimeSeconds(1) && uptimeSeconds(0) >= uptimeSeconds(2),
          "node1 is the oldest node after the upgrade");
      load.markPhase("takeover");
      long node1 = Long.parseLong(Files.readString(root.resolve("node1.pid")).strip());
      ProcessHandle.of(node1).ifPresent(ProcessHandle::destroyForcibly);
      awaitMembersUp(1, 2);
      awaitLoadSeconds(load, 5);
      load.markPhase("rejoin");
      NodeProcess restarted = jvms.launch(0, v2, jvms.allAddresses(), opsOptions(0));
      Files.writeString(root.resolve("node1.pid"), Long.toString(restarted.process.pid()));
      awaitMembersUp(1, 3);
      load.markPhase("after-takeover");
      awaitLoadSeconds(load, 8);
      var summary = load.stop();
      String describe = summary.format() + "\n" + upgraded;
      keep("upgrade-then-kill-of-coordinator-host", describe + formatSlow(slow));
      assertNoneGivenUp(summary, describe + jvms.logs());
      SagaCheck sagas = load.checkSagas();
      assertTrue(sagas.allFinal(), sagas.format());
      MoneyCheck money = load.checkMoney();
      assertTrue(money.conserved(), money.format());
    }
  }

  /**
   * Keeps a run's load summary (per phase and per second) and the upgrade's progress under
   * {@code target/open-load-reports/}, a test artefact: the figures of docs/benchmarks.md.
   */
  private static void keep(String name, String text) throws IOException {
    Path dir = Path.of("target", "open-load-reports");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(name + "-" + System.currentTimeMillis() + ".txt"), text);
  }

  /** Every request of the run slower than {@link #SLOW}, for the kept report. */
  private static Queue<RequestOutcome> recordSlow(BankOpenLoad load) {
    Queue<RequestOutcome> slow =
        new ConcurrentLinkedQueue<>();
    load.onOutcome(outcome -> {
      if (outcome.latencyNanos() > SLOW.toNanos()) {
        slow.add(outcome);
      }
    });
    return slow;
  }

  /**
   * The slow requests, one a line: second of intended start, phase, entity, latency, and each
   * attempt's node, start, duration and result (where a stall comes from).
   */
  private static String formatSlow(Queue<RequestOutcome> slow) {
    StringBuilder text = new StringBuilder("\nrequests slower than " + SLOW.toMillis() + " ms: "
        + slow.size() + "\n");
    slow.stream().sorted(Comparator.comparingLong(
        RequestOutcome::intendedNanos)).forEach(outcome -> {
          text.append(String.format(Locale.ROOT, "  %7.2f s %-8s %s/%s %6d ms:",
              outcome.intendedNanos() / 1e9, outcome.phase(),
              outcome.request().type(), outcome.request().id(),
              outcome.latencyNanos() / 1_000_000));
          for (Attempt attempt : outcome.attempts()) {
            text.append(String.format(Locale.ROOT, " [%s +%.0f %.0f ms %s]",
                attempt.target(), attempt.atMillis(), attempt.durationMillis(), attempt.result()));
          }
          text.append('\n');
        });
    return text.toString();
  }

  /**
   * Opens the accounts, starts the load, lets it warm the cluster up (phase "load", not asserted)
   * and runs 8 s of phase "before".
   */
  private static void startWarmedUp(BankOpenLoad load) throws Exception {
    load.openAccounts();
    load.start();
    awaitLoadSeconds(load, WARM_UP_SECONDS);
    load.markPhase("before");
    awaitLoadSeconds(load, 8);
  }

  /**
   * No request of a measured phase was given up, and none was answered with a client error: every
   * request here is well formed, so a 4xx (say, a node that serves HTTP before its types are
   * exposed) is a request the service failed.
   */
  private static void assertNoneGivenUp(io.baton.load.LoadSummary summary, String describe) {
    for (String phase : MEASURED) {
      summary.phase(phase).ifPresent(p -> {
        assertEquals(0L, p.outcomes().getOrDefault(Outcome.FAILED, 0L),
            "requests given up in phase " + phase + "\n" + describe);
        assertEquals(0L, p.outcomes().getOrDefault(Outcome.CLIENT_ERROR, 0L),
            "requests answered with a client error in phase " + phase + "\n" + describe);
      });
    }
  }

  // ------------------------------------------------------------------ set-up

  private void startCluster() throws IOException, InterruptedException {
    Path jar = BankNodeJvms.jar("baton.samples.jar");
    jvms = BankNodeJvms.create(root, 3);
    opsPorts.addAll(BankClusterDemo.freePorts(3));
    NodeProcess[] nodes = new NodeProcess[3];
    for (int i = 0; i < 3; i++) {
      nodes[i] = jvms.launch(i, jar, jvms.allAddresses(), opsOptions(i));
      Files.writeString(root.resolve("node" + (i + 1) + ".pid"),
          Long.toString(nodes[i].process.pid()));
    }
    for (NodeProcess node : nodes) {
      if (!node.await(n -> n.members() == 3 && n.reported("HTTP "), NODE_START)) {
        fail(node.name + " did not see 3 members Up with its entry point listening\n"
            + jvms.logs());
      }
    }
  }

  /** The operator endpoint, behind the test's token (decision 0021: no changes without one). */
  private List<String> opsOptions(int index) {
    List<String> options = new ArrayList<>(NODE_JVM_OPTIONS);
    options.addAll(List.of("-Dbaton.ops.enabled=on", "-Dbaton.ops.port=" + opsPorts.get(index),
        "-Dbaton.ops.auth.token-file=" + tokenFile()));
    return options;
  }

  private static final String OPS_TOKEN = "coordinator-host-it-" + Long.toHexString(
      new java.security.SecureRandom().nextLong()) + Long.toHexString(System.nanoTime());

  private Path tokenFile() {
    Path file = root.resolve("ops.tokens");
    if (!Files.exists(file)) {
      try {
        Files.writeString(file, OPS_TOKEN + "\n");
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return file;
  }

  private String nodeList() {
    return java.util.stream.IntStream.range(0, 3)
        .mapToObj(i -> "node" + (i + 1) + "=127.0.0.1:" + opsPorts.get(i))
        .collect(Collectors.joining(","));
  }

  /** A shell script that starts a node by name on a given jar, as the upgrade command needs. */
  private Path startScript() throws IOException {
    // The new jar's class-sharing archive, when the build recorded one beside it.
    StringBuilder script = new StringBuilder("#!/bin/sh\njar=\"$1\"\ncds=\n"
        + "if [ -f \"${jar%.jar}.jsa\" ]; then cds=\""
        + String.join(" ", ClassSharing.optionsFor("${jar%.jar}.jsa")) + "\"; fi\n"
        + "case \"$2\" in\n");
    for (int i = 0; i < 3; i++) {
      List<String> options = new ArrayList<>(List.of("CDS"));
      options.addAll(opsOptions(i));
      List<String> command = jvms.nodeCommand(i, "JAR", jvms.allAddresses(), options);
      script.append("  node").append(i + 1).append(") exec ").append(command.stream()
          .map(arg -> arg.equals("JAR") ? "\"$jar\"" : arg.equals("CDS") ? "$cds"
              : "'" + arg + "'")
          .collect(Collectors.joining(" "))).append(" ;;\n");
    }
    script.append("esac\necho \"unknown node $2\" >&2\nexit 2\n");
    Path file = root.resolve("start-node.sh");
    Files.writeString(file, script.toString());
    return file;
  }

  private BankOpenLoad openLoad() throws IOException {
    List<URI> targets = java.util.stream.IntStream.range(0, 3).mapToObj(jvms::http).toList();
    BankLoadSettings settings = BankLoadSettings.of(targets)
        .withTransferRate(TRANSFERS_PER_SECOND).withAccountRate(ACCOUNT_OPS_PER_SECOND)
        .withHistory(root.resolve("history.jsonl"));
    return BankOpenLoad.create(settings, new PrintStream(
        new java.io.FileOutputStream(root.resolve("load.out").toFile(), true), true));
  }

  /**
   * Waits until the load has offered {@code seconds} more seconds' worth of requests (its
   * schedule, which does not wait for the cluster), with a deadline.
   */
  private static void awaitLoadSeconds(BankOpenLoad load, int seconds)
      throws InterruptedException {
    long target = load.offered()
        + (long) (seconds * (TRANSFERS_PER_SECOND + ACCOUNT_OPS_PER_SECOND));
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds * 4L).toNanos();
    while (load.offered() < target) {
      if (System.nanoTime() > deadline) {
        fail("the load offered " + load.offered() + " of " + target + " requests in time");
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  /** Node {@code index}'s own /status, through its operator endpoint. */
  private JsonNode status(int index) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + opsPorts.get(index) + "/status"))
            .header("Authorization", "Bearer " + OPS_TOKEN).timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }

  private long uptimeSeconds(int index) throws IOException, InterruptedException {
    return status(index).path("node").path("uptimeSeconds").asLong();
  }

  /** Waits until node {@code observer} sees exactly {@code count} members, all Up. */
  private void awaitMembersUp(int observer, int count) throws Exception {
    long deadline = System.nanoTime() + NODE_START.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        JsonNode members = status(observer).path("members");
        last = members.toString();
        int up = 0;
        for (JsonNode member : members) {
          up += member.path("status").asText().equals("Up") ? 1 : 0;
        }
        if (up == count && members.size() == count) {
          return;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    fail("node" + (observer + 1) + " did not see " + count + " members Up: " + last + "\n"
        + jvms.logs());
  }

  /**
   * No shard in hand-off, no request waiting, no shard without a home, and every node holding at
   * least half the average shard count, as node2's operator endpoint reports it (polled until
   * true or 60 s).
   */
  private void assertSettled() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      JsonNode status = status(1);
      last = status.toString();
      boolean settled = status.path("progress").path("stalls").isEmpty();
      for (JsonNode rebalance : status.path("progress").path("rebalances")) {
        settled &= rebalance.path("shardsMovingNow").asInt() == 0;
      }
      List<Integer> counts = new ArrayList<>();
      for (JsonNode node : status.path("nodes")) {
        counts.add(node.path("shardCount").asInt());
      }
      double average = counts.stream().mapToInt(Integer::intValue).average().orElse(0);
      // Within the load-based rebalance's reach of even: every node at least half the average.
      settled &= counts.stream().allMatch(c -> c > 0 && c * 2 >= average);
      if (settled && counts.size() == 3) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
    fail("the cluster did not settle (balanced, no request waiting, shards on every node):\n"
        + last);
  }
}
