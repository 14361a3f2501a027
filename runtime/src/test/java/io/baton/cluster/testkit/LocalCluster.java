package io.baton.cluster.testkit;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A cluster of real node JVMs on 127.0.0.1 for end-to-end tests: start, watch, command, kill,
 * freeze, thaw and restart them, by name, and never leave one behind.
 *
 * <pre>{@code
 * try (LocalCluster cluster = LocalCluster.builder(TestNodeMain.class).nodes(3).start()) {
 *   cluster.awaitAllUp(Duration.ofSeconds(60));
 *   cluster.kill9("node3");
 *   cluster.awaitLine("node1", cluster.memberLine("REMOVED", "node3"), Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <h2>Nodes</h2>
 *
 * Each node is a JVM running the builder's main class from the test class path ({@code
 * surefire.test.class.path}, else {@code java.class.path}; its directories as one jar, and with a
 * class-sharing archive recorded once per test JVM, see {@link SharedTestClasses}) with the flags
 * of {@code
 * io.baton.runtime.NodeConfig#fromArguments}: {@code --cluster-name}, {@code --name} ({@code
 * node1}, {@code node2}, ...), {@code --host=127.0.0.1}, {@code --port} (free ports chosen by the
 * harness, ascending in node order, so {@code node1} has the lowest address and is the oldest
 * member), {@code --seed} and {@code --data-dir} (one directory per node under a temporary
 * directory, kept across restarts and deleted by {@link #close}), then the builder's extra
 * arguments. Every node runs its cluster transport on TLS with mutual authentication, with a
 * certificate that dev mode issues it from one throw-away CA per cluster ({@link #devCaDir}; {@link
 * Builder#devCa} turns it off). The first start seeds every node with {@code node1}'s address; {@code node1} joins
 * itself at once. A restart seeds the node with the other nodes that are running and not frozen, so
 * even {@code node1} rejoins the existing cluster rather than starting a new one.
 *
 * <p>The node side of the contract is {@link HarnessLink}: commands on standard input, one per
 * line; the node halts when its standard input closes or its parent dies, so a test JVM that is
 * killed leaves no node behind. A frozen node cannot halt itself: while it is frozen, a reaper
 * process kills it if the test JVM dies (see {@link #freeze}). {@link TestNodeMain} is the
 * ready-made node; a test that needs more (a journal, sharding) writes its own main on the same
 * {@link HarnessLink} and {@link ClusterEventReporter}.
 *
 * <h2>Output</h2>
 *
 * Standard output and standard error of each node go, merged and line by line, to {@code
 * <node>.log} in the log directory (appended across restarts, each incarnation under a header) and
 * to an in-memory mailbox of lines. {@link #awaitLine} is a selective receive on that mailbox, as
 * in Erlang: it takes the oldest line that matches and leaves every other line for later awaits,
 * so awaits for lines that may come in any order can be written in any order, and a line is
 * matched at most once. A restart starts the node with an empty mailbox.
 *
 * <h2>Threads and lifecycle</h2>
 *
 * Methods are meant for the test's thread; each node has one reader thread that owns its output
 * stream and appends to the mailbox under the mailbox's lock. A node's process is replaced only by
 * {@link #restart}, which first makes sure the old one is dead. {@link #close} kills every process
 * this harness started with SIGKILL by PID and waits until each has exited, whatever state it is in
 * (running, frozen or already dead), then deletes the data directories; it is idempotent. Every
 * wait is bounded by a deadline and wakes on the event it waits for (a line, an exit); the one
 * exception, {@link #freeze} and {@link #thaw} waiting for the kernel to show the new process
 * state, polls {@code /proc} every millisecond because there is no event to wait on.
 */
public final class LocalCluster implements AutoCloseable {

  private static final String HOST = "127.0.0.1";

  /** How many lines of a node's output a failed await shows. */
  private static final int TAIL_LINES = 50;

  private static final Duration PROCESS_EXIT = Duration.ofSeconds(30);

  private final Builder spec;
  private final Path root;
  private final Path logDirectory;
  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private final List<Process> started = new ArrayList<>();
  private boolean closed;

  private LocalCluster(Builder spec) throws IOException {
    this.spec = spec;
    this.root = Files.createTempDirectory("baton-local-cluster-");
    this.logDirectory = spec.logDirectory.toAbsolutePath();
    Files.createDirectories(logDirectory);
    List<Integer> ports = freePorts(spec.nodes);
    for (int i = 0; i < spec.nodes; i++) {
      String name = "node" + (i + 1);
      Path dataDir = Files.createDirectories(root.resolve(name));
      Path log = logDirectory.resolve(name + ".log");
      Files.deleteIfExists(log);
      nodes.put(name, new Node(name, ports.get(i), dataDir, log));
    }
  }

  /** A cluster of nodes running {@code mainClass}, which must follow {@link HarnessLink}. */
  public static Builder builder(Class<?> mainClass) {
    return new Builder(mainClass);
  }

  // ------------------------------------------------------------------ what the nodes are

  /** The node names in start order: {@code node1}, {@code node2}, ... */
  public List<String> nodes() {
    return List.copyOf(nodes.keySet());
  }

  /** The node's Pekko address, {@code pekko://<cluster-name>@127.0.0.1:<port>}. */
  public String address(String node) {
    return "pekko://" + spec.clusterName + "@" + HOST + ":" + known(node).port;
  }

  public int port(String node) {
    return known(node).port;
  }

  /**
   * The dev-mode cluster CA every node of this cluster gets its certificate from ({@code
   * baton.node.tls.dev-ca-dir}), unless the builder turned it off ({@link Builder#devCa}); a
   * process started with another CA, or none, is not let in.
   */
  public Path devCaDir() {
    return root.resolve("dev-ca");
  }

  /** The node's data directory: the same for every incarnation of the node. */
  public Path dataDir(String node) {
    return known(node).dataDir;
  }

  /** The file that collects everything the node printed, all incarnations. */
  public Path logFile(String node) {
    return known(node).log;
  }

  /** The PID of the node's current (or last) process. */
  public long pid(String node) {
    return node(node).incarnation().process.pid();
  }

  /** How many times the harness started this node: 1, then one more per {@link #restart}. */
  public int starts(String node) {
    return node(node).starts;
  }

  public boolean isAlive(String node) {
    return node(node).incarnation().process.isAlive();
  }

  /** Every line the node's current incarnation printed so far, matched or not. */
  public List<String> output(String node) {
    return node(node).incarnation().output.all();
  }

  // ------------------------------------------------------------------ watching and talking

  /**
   * Takes the oldest line of the node's output that {@code regex} finds a match in ({@link
   * java.util.regex.Matcher#find}: anchor it with {@code ^...$} to match a whole line), waiting up
   * to {@code timeout} for it. Other lines stay for later awaits.
   *
   * @return the line
   * @throws AssertionError if no such line came within {@code timeout}, or the node's process
   *     ended without printing one; the message has the last 50 lines of the node's output
   */
  public String awaitLine(String node, String regex, Duration timeout) {
    Incarnation incarnation = node(node).incarnation();
    Pattern pattern = Pattern.compile(regex);
    Optional<String> line = incarnation.output.take(pattern, deadline(timeout));
    if (line.isPresent()) {
      return line.get();
    }
    String why;
    if (incarnation.output.ended()) {
      waitFor(incarnation.process, PROCESS_EXIT); // its output ended: it is exiting
      why = " ended its output without a line matching /" + regex + "/; ";
    } else {
      why = " printed no line matching /" + regex + "/ within " + timeout.toMillis() + " ms; ";
    }
    throw new AssertionError(
        node
            + why
            + describe(node(node))
            + "\n--- last "
            + TAIL_LINES
            + " lines of "
            + node
            + " ---\n"
            + String.join("\n", incarnation.output.tail())
            + "\n---");
  }

  /** The oldest line matching {@code regex} that the node already printed, taken; no waiting. */
  public Optional<String> pollLine(String node, String regex) {
    return node(node).incarnation().output.take(Pattern.compile(regex), System.nanoTime());
  }

  /**
   * Waits until every node has reported every node Up ({@code MEMBER-UP <address>}, as {@link
   * ClusterEventReporter} prints it), all within one {@code timeout}. Like {@link #awaitLine}, it
   * takes those lines.
   */
  public void awaitAllUp(Duration timeout) {
    long deadline = deadline(timeout);
    for (String observer : nodes.keySet()) {
      for (String member : nodes.keySet()) {
        awaitLine(observer, memberLine(ClusterEventReporter.MEMBER_UP, member), remaining(deadline));
      }
    }
  }

  /**
   * The regex of a whole {@link ClusterEventReporter} line about {@code member}, e.g. {@code
   * memberLine("REMOVED", "node3")}.
   */
  public String memberLine(String event, String member) {
    return "^" + Pattern.quote(event + " " + address(member)) + "$";
  }

  /**
   * Writes {@code commandLine} and a newline to the node's standard input.
   *
   * @throws IllegalStateException if the node's process cannot take input (it has exited)
   */
  public void send(String node, String commandLine) {
    Incarnation incarnation = node(node).incarnation();
    try {
      incarnation.stdin.write(commandLine);
      incarnation.stdin.write('\n');
      incarnation.stdin.flush();
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot send '" + commandLine + "' to " + node + ": " + describe(node(node)), e);
    }
  }

  /**
   * Waits until the node's process exits and returns its exit status.
   *
   * @throws AssertionError if it is still running after {@code timeout}, with its last lines
   */
  public int awaitExit(String node, Duration timeout) {
    Incarnation incarnation = node(node).incarnation();
    if (waitFor(incarnation.process, timeout)) {
      return incarnation.process.exitValue();
    }
    throw new AssertionError(
        node
            + " has not exited within "
            + timeout.toMillis()
            + " ms; "
            + describe(node(node))
            + "\n--- last "
            + TAIL_LINES
            + " lines of "
            + node
            + " ---\n"
            + String.join("\n", incarnation.output.tail())
            + "\n---");
  }

  // ------------------------------------------------------------------ failures on command

  /** Sends SIGKILL to the node's process by PID and waits until it is gone. */
  public void kill9(String node) {
    Node n = node(node);
    Process process = n.incarnation().process;
    sigkill(process);
    if (!waitFor(process, PROCESS_EXIT)) {
      throw new IllegalStateException(
          node + " (pid " + process.pid() + ") still runs " + PROCESS_EXIT + " after SIGKILL");
    }
    n.frozen = false;
    stopReaper(n);
  }

  /**
   * Sends SIGSTOP to the node's process by PID ({@code kill -STOP}) and, where {@code /proc}
   * exists, waits until the kernel shows it stopped. A frozen JVM answers nothing, heartbeats
   * included, as a hung node would; its connections stay open.
   *
   * <p>A frozen JVM cannot notice that the harness is gone, so while it is frozen a small reaper
   * process ({@code sh}) waits on a pipe from this JVM and SIGKILLs it if that pipe closes: a test
   * JVM that dies while a node is frozen leaves nothing behind either.
   */
  public void freeze(String node) {
    Node n = node(node);
    if (n.frozen) {
      throw new IllegalStateException(node + " is frozen already");
    }
    startReaper(n);
    signal(n, "-STOP");
    n.frozen = true;
    awaitProcessState(n, true);
  }

  /** Sends SIGCONT to the node's process by PID ({@code kill -CONT}): it runs on where it stopped. */
  public void thaw(String node) {
    Node n = node(node);
    signal(n, "-CONT");
    n.frozen = false;
    awaitProcessState(n, false);
    stopReaper(n);
  }

  /**
   * Starts a new incarnation of the node with the same name, port and data directory, killing the
   * current one first (SIGKILL) if it still runs. It is seeded with the other nodes that are
   * running and not frozen, so it joins the existing cluster.
   */
  public void restart(String node) {
    restart(node, List.of());
  }

  /**
   * Like {@link #restart(String)}, with {@code jvmOptions} added after every other JVM option for
   * this incarnation only (a later {@code -Dkey=value} wins over an earlier one): how a test starts
   * a node as a new release, e.g. {@code -Dbaton.node.app-version=2}, or as one that cannot start.
   */
  public void restart(String node, List<String> jvmOptions) {
    Node n = node(node);
    if (n.incarnation().process.isAlive()) {
      kill9(node);
    }
    List<String> seeds = new ArrayList<>();
    for (Node other : nodes.values()) {
      if (other != n && other.incarnation != null && other.incarnation.process.isAlive()
          && !other.frozen) {
        seeds.add(address(other.name));
      }
    }
    if (seeds.isEmpty()) {
      seeds.add(address(node)); // nobody to join: start a new cluster
    }
    launch(n, seeds, jvmOptions);
  }

  /**
   * Like {@link #restart(String)}, but seeded as an operator's static configuration would seed it:
   * with every node's address in node order, {@code node1} first, whether or not the others run.
   */
  public void restartWithAllSeeds(String node) {
    Node n = node(node);
    if (n.incarnation().process.isAlive()) {
      kill9(node);
    }
    List<String> seeds = new ArrayList<>();
    for (String name : nodes()) {
      seeds.add(address(name));
    }
    launch(n, seeds, List.of());
  }

  /**
   * Stops the node as an operator would: SIGTERM by PID (the JVM runs its shutdown hooks, so the
   * node leaves the cluster), then SIGKILL if it has not exited within {@code timeout}; returns
   * once the process is gone.
   *
   * @return true when it exited on SIGTERM, false when it had to be killed
   */
  public boolean terminate(String node, Duration timeout) {
    Node n = node(node);
    Process process = n.incarnation().process;
    if (!process.isAlive()) {
      return true;
    }
    process.toHandle().destroy(); // SIGTERM, through the handle: a reused PID is never hit
    if (waitFor(process, timeout)) {
      return true;
    }
    kill9(node);
    return false;
  }

  /** The exit status of the node's current process, or empty while it runs. */
  public java.util.OptionalInt exitStatus(String node) {
    Process process = node(node).incarnation().process;
    return process.isAlive() ? java.util.OptionalInt.empty()
        : java.util.OptionalInt.of(process.exitValue());
  }

  /**
   * Starts a node that was left out of the first start ({@link Builder#running}): it joins the
   * running cluster, seeded with the nodes that are running and not frozen.
   *
   * @throws IllegalStateException if the node was started before (use {@link #restart})
   */
  public void startLater(String node) {
    Node n = known(node);
    if (n.incarnation != null) {
      throw new IllegalStateException(node + " was started before: restart it instead");
    }
    List<String> seeds = new ArrayList<>();
    for (Node other : nodes.values()) {
      if (other.incarnation != null && other.incarnation.process.isAlive() && !other.frozen) {
        seeds.add(address(other.name));
      }
    }
    if (seeds.isEmpty()) {
      seeds.add(address(node));
    }
    launch(n, seeds, List.of());
  }

  /**
   * Kills every process this harness started (SIGKILL by PID, which also ends a frozen one), waits
   * until each has exited, closes their pipes and deletes the data directories. Safe to call more
   * than once; the first failure is thrown after everything was attempted.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException failure = null;
    for (Process process : started) {
      try {
        sigkill(process);
        if (!waitFor(process, PROCESS_EXIT)) {
          throw new IllegalStateException(
              "process " + process.pid() + " still runs " + PROCESS_EXIT + " after SIGKILL");
        }
      } catch (RuntimeException e) {
        failure = addTo(failure, e);
      }
    }
    for (Node node : nodes.values()) {
      if (node.incarnation != null) {
        try {
          node.incarnation.stop();
        } catch (RuntimeException e) {
          failure = addTo(failure, e);
        }
      }
    }
    try {
      deleteRecursively(root);
    } catch (RuntimeException e) {
      failure = addTo(failure, e);
    }
    if (failure != null) {
      throw failure;
    }
  }

  // ------------------------------------------------------------------ starting nodes

  private LocalCluster startAll() {
    String seed = address(nodes.keySet().iterator().next());
    try {
      int launched = 0;
      for (Node node : nodes.values()) {
        if (launched++ == spec.running) {
          break; // the others join later, by startLater
        }
        launch(node, List.of(seed), List.of());
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    return this;
  }

  private Path tempDir() {
    try {
      return Files.createDirectories(root.resolve("tmp"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot create " + root.resolve("tmp"), e);
    }
  }

  private void launch(Node node, List<String> seeds, List<String> extraJvmOptions) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (spec.devCa) {
      // Before the test's own options, so that a test's -Dbaton.node.tls.* wins.
      command.add("-Dbaton.node.tls.dev-ca-dir=" + devCaDir());
    }
    command.addAll(SharedTestClasses.options());
    // The node's temporary files (RocksDB's native library, 16 MB, extracted at every start and
    // left behind by a killed JVM) under the cluster's directory, which close() deletes.
    command.add("-Djava.io.tmpdir=" + tempDir());
    command.addAll(spec.jvmOptions);
    command.addAll(spec.nodeJvmOptions.getOrDefault(node.name, List.of()));
    command.addAll(extraJvmOptions);
    command.add("-Dbaton.testkit.node=" + node.name); // names the JVM in ps and jcmd
    command.add("-cp");
    command.add(SharedTestClasses.classPath());
    command.add(spec.mainClass.getName());
    command.add("--cluster-name=" + spec.clusterName);
    command.add("--name=" + node.name);
    command.add("--host=" + HOST);
    command.add("--port=" + node.port);
    command.add("--seed=" + String.join(",", seeds));
    command.add("--data-dir=" + node.dataDir);
    command.addAll(spec.arguments);
    if (node.incarnation != null) {
      node.incarnation.stop(); // the previous process is dead: release its pipe and reader
    }
    try {
      // Output is merged so that the file and the mailbox keep the node's own order of lines;
      // standard input stays a pipe: closing it (or dying) is how the harness says goodbye.
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      started.add(process);
      node.starts++;
      node.incarnation = new Incarnation(node, process, node.starts);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + node.name + ": " + command, e);
    }
  }

  /**
   * {@code count} distinct ports that were free a moment ago, ascending. Another process may take
   * one before the node binds it; then that node fails to start and its await says so.
   */
  private static List<Integer> freePorts(int count) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST));
        sockets.add(socket); // held open until all are chosen, so they are distinct
      }
      return sockets.stream().map(ServerSocket::getLocalPort).sorted().toList();
    } finally {
      for (ServerSocket socket : sockets) {
        socket.close();
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  /** The node named {@code name}, started or not. */
  private Node known(String name) {
    Node node = nodes.get(name);
    if (node == null) {
      throw new IllegalArgumentException("no node '" + name + "': the nodes are " + nodes.keySet());
    }
    return node;
  }

  /** The node named {@code name}, which must have been started. */
  private Node node(String name) {
    Node node = known(name);
    if (node.incarnation == null) {
      throw new IllegalStateException(name + " was never started");
    }
    return node;
  }

  private String describe(Node node) {
    Process process = node.incarnation().process;
    return "pid "
        + process.pid()
        + ", start "
        + node.starts
        + (process.isAlive()
            ? (node.frozen ? ", frozen" : ", running")
            : ", exited with status " + process.exitValue())
        + "; log "
        + node.log;
  }

  /**
   * Starts the reaper of a node about to be frozen: {@code sh} reads its standard input, a pipe
   * from this JVM, and SIGKILLs the node when the read ends. Only this JVM's death ends the read;
   * {@link #stopReaper} ends the reaper with SIGKILL, which runs nothing.
   */
  private void startReaper(Node node) {
    long pid = node.incarnation().process.pid();
    try {
      Process reaper =
          new ProcessBuilder("/bin/sh", "-c", "read -r _; kill -KILL " + pid)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      started.add(reaper);
      node.reaper = reaper;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the reaper of frozen " + node.name, e);
    }
  }

  private static void stopReaper(Node node) {
    Process reaper = node.reaper;
    if (reaper == null) {
      return;
    }
    node.reaper = null;
    sigkill(reaper);
    if (!waitFor(reaper, PROCESS_EXIT)) {
      throw new IllegalStateException("the reaper of " + node.name + " (pid " + reaper.pid()
          + ") still runs after SIGKILL");
    }
  }

  /**
   * SIGKILL by PID, through the handle Java took when it started the process: the handle carries
   * the process's start time, so a PID the kernel has reused for another process is never hit.
   */
  private static void sigkill(Process process) {
    process.toHandle().destroyForcibly();
  }

  /** Runs {@code kill <signal> <pid>} on the node's process, which must be alive. */
  private static void signal(Node node, String signal) {
    Process process = node.incarnation().process;
    long pid = process.pid();
    if (!process.isAlive()) {
      throw new IllegalStateException(
          "cannot send " + signal + " to " + node.name + ": pid " + pid + " has exited");
    }
    try {
      Process kill = new ProcessBuilder("kill", signal, Long.toString(pid)).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill " + signal + " " + pid + " failed for " + node.name);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run kill " + signal + " " + pid, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while signalling " + node.name, e);
    }
  }

  /**
   * Waits until {@code /proc/<pid>/stat} shows the process stopped (state T) or not, so that
   * {@link #freeze} and {@link #thaw} return only once the kernel has acted. There is no event to
   * wait on, so this polls every millisecond up to a deadline; without {@code /proc} it returns.
   */
  private static void awaitProcessState(Node node, boolean stopped) {
    Path stat = Path.of("/proc", Long.toString(node.incarnation().process.pid()), "stat");
    if (!Files.exists(stat)) {
      return;
    }
    long deadline = deadline(Duration.ofSeconds(10));
    while (true) {
      String text;
      try {
        text = Files.readString(stat);
      } catch (IOException e) {
        return; // the process is gone: nothing left to wait for
      }
      char state = text.charAt(text.lastIndexOf(')') + 2);
      if ((state == 'T') == stopped) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            node.name + " did not " + (stopped ? "stop" : "continue") + ": state " + state);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  private static boolean waitFor(Process process, Duration timeout) {
    try {
      return process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for process " + process.pid(), e);
    }
  }

  private static long deadline(Duration timeout) {
    return System.nanoTime() + timeout.toNanos();
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }

  private static RuntimeException addTo(RuntimeException first, RuntimeException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  private static void deleteRecursively(Path directory) {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + directory, e);
    }
  }

  // ------------------------------------------------------------------ state

  /** A node: what survives its restarts, and its current incarnation. */
  private static final class Node {
    final String name;
    final int port;
    final Path dataDir;
    final Path log;
    int starts;
    boolean frozen;
    /** While frozen: the process that SIGKILLs the node if this JVM dies; see {@link LocalCluster#freeze}. */
    Process reaper;
    Incarnation incarnation;

    Node(String name, int port, Path dataDir, Path log) {
      this.name = name;
      this.port = port;
      this.dataDir = dataDir;
      this.log = log;
    }

    Incarnation incarnation() {
      return incarnation;
    }
  }

  /** One process of a node, with its stdin writer, output mailbox and reader thread. */
  private static final class Incarnation {
    final Process process;
    final Writer stdin;
    final Mailbox output = new Mailbox();
    final Thread reader;

    Incarnation(Node node, Process process, int start) throws IOException {
      this.process = process;
      this.stdin =
          new BufferedWriter(
              new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
      Writer log =
          Files.newBufferedWriter(
              node.log,
              StandardCharsets.UTF_8,
              StandardOpenOption.CREATE,
              StandardOpenOption.APPEND);
      log.write(
          "===== " + node.name + " start " + start + ", pid " + process.pid() + ", "
              + LocalTime.now() + " =====\n");
      log.flush();
      this.reader =
          new Thread(() -> copyOutput(process, log, output), "local-cluster-" + node.name + "-out");
      reader.setDaemon(true);
      reader.start();
    }

    /** Closes standard input and waits for the reader, once the process is dead. */
    void stop() {
      try {
        stdin.close();
      } catch (IOException e) {
        // the process is dead: its pipe may already be broken
      }
      try {
        reader.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private static void copyOutput(Process process, Writer log, Mailbox output) {
      try (log;
          BufferedReader in =
              new BufferedReader(
                  new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          output.append(line);
          log.write(line);
          log.write('\n');
          log.flush();
        }
      } catch (IOException e) {
        output.append("[local-cluster] output of pid " + process.pid() + " failed: " + e);
      } finally {
        output.end();
      }
    }
  }

  /**
   * A node's output lines: an Erlang-style mailbox for {@link #take} (selective receive), plus
   * every line for {@link #all} and the last {@link #TAIL_LINES} for failure messages. Guarded by
   * its lock; the reader thread appends, the test thread takes.
   */
  private static final class Mailbox {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<String> unmatched = new ArrayList<>();
    private final List<String> all = new ArrayList<>();
    private final Deque<String> tail = new ArrayDeque<>();
    private long removals;
    private boolean ended;

    void append(String line) {
      lock.lock();
      try {
        unmatched.add(line);
        all.add(line);
        tail.addLast(line);
        if (tail.size() > TAIL_LINES) {
          tail.removeFirst();
        }
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    void end() {
      lock.lock();
      try {
        ended = true;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    /**
     * Removes and returns the oldest line that {@code pattern} finds a match in, waiting until
     * {@code deadline} (a {@link System#nanoTime} value); empty at the deadline or when the output
     * ended without one.
     */
    Optional<String> take(Pattern pattern, long deadline) {
      lock.lock();
      try {
        int scanned = 0; // lines before this index were checked, unless another take removed one
        long seenRemovals = removals;
        while (true) {
          if (removals != seenRemovals) {
            scanned = 0;
            seenRemovals = removals;
          }
          for (int i = scanned; i < unmatched.size(); i++) {
            if (pattern.matcher(unmatched.get(i)).find()) {
              removals++;
              return Optional.of(unmatched.remove(i));
            }
          }
          scanned = unmatched.size();
          long left = deadline - System.nanoTime();
          if (ended || left <= 0) {
            return Optional.empty();
          }
          changed.awaitNanos(left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      } finally {
        lock.unlock();
      }
    }

    boolean ended() {
      lock.lock();
      try {
        return ended;
      } finally {
        lock.unlock();
      }
    }

    List<String> all() {
      lock.lock();
      try {
        return List.copyOf(all);
      } finally {
        lock.unlock();
      }
    }

    List<String> tail() {
      lock.lock();
      try {
        return List.copyOf(tail);
      } finally {
        lock.unlock();
      }
    }
  }

  // ------------------------------------------------------------------ builder

  /** How to start a {@link LocalCluster}; mutable, used once. */
  public static final class Builder {
    private final Class<?> mainClass;
    private int nodes = 3;
    private int running = Integer.MAX_VALUE;
    private String clusterName = "baton";
    private Path logDirectory = Path.of("target", "local-cluster", "cluster");
    private final List<String> arguments = new ArrayList<>();
    private boolean devCa = true;
    private final Map<String, List<String>> nodeJvmOptions = new LinkedHashMap<>();
    private final List<String> jvmOptions =
        new ArrayList<>(
            List.of(
                // Start fast and stay small on 2 cores: C1 only, one GC thread, a bounded heap.
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xmx256m",
                "-XX:+ExitOnOutOfMemoryError"));

    private Builder(Class<?> mainClass) {
      this.mainClass = mainClass;
    }

    /** How many nodes; 3 by default. */
    public Builder nodes(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("a cluster needs at least 1 node, not " + count);
      }
      this.nodes = count;
      return this;
    }

    /**
     * How many nodes {@link #start} starts ({@code node1} up to {@code node<count>}); the others
     * join when the test calls {@link LocalCluster#startLater}. All by default. {@link
     * LocalCluster#awaitAllUp} needs every node started.
     */
    public Builder running(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("at least 1 node must run from the start, not " + count);
      }
      this.running = count;
      return this;
    }

    /** The cluster (ActorSystem) name passed as {@code --cluster-name}; {@code baton} by default. */
    public Builder clusterName(String clusterName) {
      this.clusterName = clusterName;
      return this;
    }

    /**
     * Where the node logs go: {@code target/local-cluster/<name>/}. Use the test's name, so that
     * each test's logs survive it and do not mix.
     */
    public Builder name(String name) {
      this.logDirectory = Path.of("target", "local-cluster", name);
      return this;
    }

    /**
     * Whether the nodes run their cluster transport on TLS with mutual authentication, with
     * certificates of a throw-away CA of this cluster ({@link LocalCluster#devCaDir}); on by
     * default, as for a cluster off loopback. Off: plaintext TCP on 127.0.0.1, or whatever the
     * test's own {@code -Dbaton.node.tls.*} options say.
     */
    public Builder devCa(boolean on) {
      this.devCa = on;
      return this;
    }

    /** Arguments appended to every node's command line, after the harness's own flags. */
    public Builder arguments(String... arguments) {
      this.arguments.addAll(List.of(arguments));
      return this;
    }

    /**
     * Adds JVM options for one node only, every incarnation, after the options of every node
     * (e.g. its own {@code -Dbaton.ops.port}).
     */
    public Builder nodeJvmOptions(String node, String... options) {
      this.nodeJvmOptions.computeIfAbsent(node, n -> new ArrayList<>()).addAll(List.of(options));
      return this;
    }

    /** Adds JVM options (e.g. {@code -Dbaton.node.downing.stable-after=5s}) for every node. */
    public Builder jvmOptions(String... options) {
      this.jvmOptions.addAll(List.of(options));
      return this;
    }

    /** Starts every node (they join in the background) and returns the running cluster. */
    public LocalCluster start() {
      try {
        return new LocalCluster(this).startAll();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot prepare the cluster's directories", e);
      }
    }
  }
}
