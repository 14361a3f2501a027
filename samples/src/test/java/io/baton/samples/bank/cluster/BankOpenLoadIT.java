package io.baton.samples.bank.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.samples.Main;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The open-loop bank workload end to end, as a user runs it: three bank nodes from the fat jar,
 * then {@code java -jar baton-samples-all.jar open-load --targets=...} from the same jar for 15 s
 * at 70 transfers/s and 30 deposits and withdrawals/s on 48 accounts. On a quiet cluster it must
 * give up no request, see every saga final and money conserved (exit 0, {@code OPEN LOAD OK}),
 * and write one complete history line per request. Every process is killed by PID at the end.
 */
@Timeout(420)
class BankOpenLoadIT {

  private static final String HOST = "127.0.0.1";
  private static final String CLUSTER = "bank";
  private static final Duration NODE_START = Duration.ofSeconds(120);
  private static final Duration LOAD_DEADLINE = Duration.ofSeconds(240);
  private static final Pattern OFFERED = Pattern.compile(
      "(?m)^load: (\\d+) requests offered in [0-9.]+ s: (\\d+) ok, (\\d+) already-applied,"
          + " (\\d+) rejected, (\\d+) client-error, (\\d+) failed; (\\d+) retried$");

  @TempDir Path root;

  private final List<Process> started = new CopyOnWriteArrayList<>();
  private List<Integer> ports;
  private List<Integer> httpPorts;
  private final NodeProcess[] nodes = new NodeProcess[3];

  @AfterEach
  void killEveryProcessByPid() throws InterruptedException {
    for (Process process : started) {
      ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
    }
    for (Process process : started) {
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Against a quiet 3-node cluster the open load gives up nothing, ends every saga and conserves
   * money, and its history holds one complete line per request.
   */
  @Test
  void openLoadOnAQuietClusterLosesNothingEndsEverySagaAndConservesMoney() throws Exception {
    Path jar = jar();
    ports = freePorts(3);
    httpPorts = freePorts(3);
    for (int i = 0; i < 3; i++) {
      nodes[i] = launch(i, jar, List.of(address(0)));
    }
    for (NodeProcess node : nodes) {
      if (!node.await(n -> n.members() == 3 && n.reported("HTTP "), NODE_START)) {
        fail(node.name + " did not see 3 members Up with its entry point listening\n" + logs());
      }
    }

    Path history = root.resolve("history.jsonl");
    Path summaryJson = root.resolve("summary.json");
    Path stdout = root.resolve("open-load.out");
    List<String> targets = httpPorts.stream().map(p -> "http://" + HOST + ":" + p).toList();
    List<String> command = List.of(java(), "-Xmx256m", "-jar", jar.toString(), "open-load",
        "--targets=" + String.join(",", targets), "--duration=15s", "--transfer-rate=70",
        "--account-rate=30", "--accounts=48", "--history=" + history,
        "--summary-json=" + summaryJson, "--attempt-timeout=1.5s", "--give-up=10s");
    Process load = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(stdout.toFile()).start();
    started.add(load);
    if (!load.waitFor(LOAD_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
      fail("open-load did not end within " + LOAD_DEADLINE + "\n" + Files.readString(stdout)
          + logs());
    }
    String out = Files.readString(stdout);
    String describe = out + logs();
    assertEquals(0, load.exitValue(), describe);
    List<String> lines = out.strip().lines().toList();
    assertEquals("OPEN LOAD OK", lines.get(lines.size() - 1), describe);
    assertTrue(out.contains("load ") && out.contains(" in flight "), "live lines\n" + describe);
    assertTrue(Pattern.compile("(?m)^sagas: \\d+ transfers, all final").matcher(out).find(),
        describe);
    assertTrue(Pattern.compile("(?m)^money: .*: conserved$").matcher(out).find(), describe);

    Matcher offered = OFFERED.matcher(out);
    assertTrue(offered.find(), describe);
    long requests = Long.parseLong(offered.group(1));
    assertEquals("0", offered.group(6), "none given up\n" + describe);
    // 15 s at 100/s: the schedule offers 1500 whatever the cluster does.
    assertTrue(requests >= 1490 && requests <= 1510, "open loop: 100/s for 15 s\n" + describe);

    ObjectMapper json = new ObjectMapper();
    Set<Long> seqs = new HashSet<>();
    long outcomeLines = 0;
    for (String line : Files.readAllLines(history)) {
      JsonNode node = json.readTree(line);
      if (!node.path("event").asText().equals("outcome")) {
        continue;
      }
      outcomeLines++;
      seqs.add(node.get("seq").asLong());
      for (String field : List.of("stream", "type", "id", "key", "body", "intendedStartMs",
          "endMs", "outcome", "status", "attempts", "response")) {
        assertTrue(node.has(field), field + " in " + line);
      }
      assertTrue(targets.contains(node.get("attempts").get(0).get("target").asText()), line);
    }
    assertEquals(requests, outcomeLines, "one history line per request");
    assertEquals(requests, seqs.size());
    assertEquals(requests, json.readTree(Files.readString(summaryJson)).get("offered").asLong());
  }

  // ------------------------------------------------------------------ processes

  private NodeProcess launch(int index, Path jar, List<String> seeds) throws IOException {
    String name = "node" + (index + 1);
    List<String> command = new ArrayList<>(List.of(java(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-jar", jar.toString(), Main.BANK_NODE,
        "--cluster-name=" + CLUSTER, "--name=" + name, "--host=" + HOST,
        "--port=" + ports.get(index), "--seed=" + String.join(",", seeds),
        "--data-dir=" + root.resolve(name),
        BankNode.HTTP_PORT_FLAG + httpPorts.get(index), BankNode.EXIT_WITH_PARENT_FLAG));
    NodeProcess node = NodeProcess.start(name, command, root.resolve(name + ".log"));
    started.add(node.process);
    return node;
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private String address(int index) {
    return "pekko://" + CLUSTER + "@" + HOST + ":" + ports.get(index);
  }

  private String logs() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      Path log = root.resolve("node" + (i + 1) + ".log");
      try {
        List<String> lines = Files.readAllLines(log);
        text.append("=== ").append(log.getFileName()).append(" (last 40 lines)\n");
        lines.subList(Math.max(0, lines.size() - 40), lines.size())
            .forEach(line -> text.append(line).append('\n'));
      } catch (IOException e) {
        text.append("=== ").append(log).append(": ").append(e).append('\n');
      }
    }
    return text.toString();
  }

  private static Path jar() {
    String path = System.getProperty("baton.samples.jar");
    if (path == null || !Files.isRegularFile(Path.of(path))) {
      fail("system property baton.samples.jar must name the built fat jar (set by failsafe in"
          + " samples/pom.xml), was " + path);
    }
    return Path.of(path);
  }

  private static List<Integer> freePorts(int count) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        sockets.add(new ServerSocket(0, 1, InetAddress.getByName(HOST)));
      }
      return sockets.stream().map(ServerSocket::getLocalPort).toList();
    } finally {
      for (ServerSocket socket : sockets) {
        socket.close();
      }
    }
  }
}
