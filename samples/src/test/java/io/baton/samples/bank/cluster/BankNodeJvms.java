package io.baton.samples.bank.cluster;

import static org.junit.jupiter.api.Assertions.fail;

import io.baton.runtime.ClassSharing;
import io.baton.samples.Main;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Bank node JVMs on 127.0.0.1 for the multi-process tests, started from a fat jar exactly as an
 * operator would ({@code java -jar <jar> bank-node ...}), their cluster transport on TLS with a dev
 * CA under {@code <root>/dev-ca}: free ports chosen once per cluster (a
 * restarted node keeps its ports and data), each node's output in {@code <root>/<name>.log}, and
 * every process this started killed by PID in {@link #killAll()}. Nodes exit by themselves if
 * the test JVM dies ({@code --exit-with-parent}).
 */
final class BankNodeJvms {

  static final String HOST = "127.0.0.1";
  static final String CLUSTER = "bank";

  private final Path root;
  private final int count;
  private final List<Integer> ports;
  private final List<Integer> httpPorts;
  private final List<Process> started = new CopyOnWriteArrayList<>();

  private BankNodeJvms(Path root, int count, List<Integer> ports, List<Integer> httpPorts) {
    this.root = root;
    this.count = count;
    this.ports = ports;
    this.httpPorts = httpPorts;
  }

  /** Ports for {@code count} nodes, their data and logs under {@code root}. */
  static BankNodeJvms create(Path root, int count) throws IOException {
    List<Integer> free = new ArrayList<>(BankClusterDemo.freePorts(2 * count));
    // Ascending cluster ports: node1 has the lowest address, so it is first in ring order as well
    // as the oldest member (it seeds the cluster), like the nodes of an operator's seed list.
    List<Integer> cluster = new ArrayList<>(free.subList(0, count));
    cluster.sort(null);
    java.nio.file.Files.createDirectories(root.resolve("tmp"));
    return new BankNodeJvms(root, count, cluster, free.subList(count, 2 * count));
  }

  /** Starts node {@code index} ({@code node<index+1>}) from {@code jar}, joining {@code seeds}. */
  NodeProcess launch(int index, Path jar, List<String> seeds) throws IOException {
    return launch(index, jar, seeds, List.of());
  }

  /** As {@link #launch(int, Path, List)}, with {@code jvmOptions} before {@code -jar}. */
  NodeProcess launch(int index, Path jar, List<String> seeds, List<String> jvmOptions)
      throws IOException {
    String name = "node" + (index + 1);
    List<String> command = new ArrayList<>(nodeCommand(index, jar.toString(), seeds, jvmOptions));
    command.add(BankNode.EXIT_WITH_PARENT_FLAG);
    NodeProcess node = NodeProcess.start(name, command, root.resolve(name + ".log"));
    started.add(node.process);
    return node;
  }

  /** The command line of node {@code index} on {@code jar} (without --exit-with-parent). */
  List<String> nodeCommand(int index, String jar, List<String> seeds, List<String> jvmOptions) {
    String name = "node" + (index + 1);
    List<String> command = new ArrayList<>(List.of(java(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    // The jar's class-sharing archive, when the build recorded one beside it (samples/pom.xml).
    command.addAll(ClassSharing.useOptions(ClassSharing.archiveBeside(Path.of(jar))));
    // TLS with mutual authentication, as in production: certificates from one throw-away CA of
    // this cluster (dev mode, docs/security.md); a restarted or upgraded node reuses it.
    command.add("-Dbaton.node.tls.dev-ca-dir=" + root.resolve("dev-ca"));
    // Temporary files (RocksDB's 16 MB native library, left behind by a killed JVM) under the
    // test's own directory, which JUnit deletes; the directory is created when the harness is.
    command.add("-Djava.io.tmpdir=" + root.resolve("tmp"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar, Main.BANK_NODE,
        "--cluster-name=" + CLUSTER, "--name=" + name, "--host=" + HOST,
        "--port=" + ports.get(index), "--seed=" + String.join(",", seeds),
        "--data-dir=" + root.resolve(name),
        BankNode.HTTP_PORT_FLAG + httpPorts.get(index)));
    return command;
  }

  /** Every node's address, node1 first: a static seed list, as an operator writes it. */
  List<String> allAddresses() {
    List<String> all = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      all.add(address(i));
    }
    return all;
  }

  /** Records a process the test started itself (e.g. a client JVM), so that it is killed too. */
  void track(Process process) {
    started.add(process);
  }

  /** Node {@code index}'s cluster address, to give as a seed. */
  String address(int index) {
    return "pekko://" + CLUSTER + "@" + HOST + ":" + ports.get(index);
  }

  /** Node {@code index}'s HTTP entry point. */
  URI http(int index) {
    return URI.create("http://" + HOST + ":" + httpPorts.get(index));
  }

  /** The last 40 lines of every node's log, for a failure message. */
  String logs() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < count; i++) {
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

  /** Kills every process started or tracked, by PID, and waits (10 s each) for it to exit. */
  void killAll() throws InterruptedException {
    for (Process process : started) {
      ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
    }
    for (Process process : started) {
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** The fat jar named by system property {@code property} (set by failsafe in samples/pom.xml). */
  static Path jar(String property) {
    String path = System.getProperty(property);
    if (path == null || !Files.isRegularFile(Path.of(path))) {
      fail("system property " + property + " must name a built fat jar (set by failsafe in"
          + " samples/pom.xml), was " + path);
    }
    return Path.of(path);
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
