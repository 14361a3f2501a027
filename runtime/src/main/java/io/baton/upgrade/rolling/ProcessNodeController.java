package io.baton.upgrade.rolling;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * A {@link NodeController} for nodes that run as local processes, as the command line drives them.
 *
 * <ul>
 *   <li>Start: runs the start command template through {@code /bin/sh -c exec ...}, with {@code
 *       {jar}} replaced by the jar and {@code {node}} by the node's name, its output appended to
 *       {@code <log directory>/<node>.log}; writes the new PID to the node's PID file. The
 *       process outlives this JVM. Because of {@code exec}, the PID is the node's own (the JVM's,
 *       not a shell's), and only the first command of a list runs: wrap several in {@code sh -c
 *       '...'}.
 *   <li>Stop: SIGTERM to the node's process, then SIGKILL if it has not exited within the
 *       timeout. Kill: SIGKILL. The process is the one this controller started, else the PID
 *       read from the PID file template ({@code {node}} replaced), e.g. {@code
 *       /var/run/baton/{node}.pid}.
 * </ul>
 *
 * <p>Processes are addressed by PID through {@link ProcessHandle}, which a reused PID cannot fool
 * for a process this controller started. Used from one thread.
 */
public final class ProcessNodeController implements NodeController {

  private final String startCommand;
  private final String pidFileTemplate;
  private final Path logDirectory;
  private final Map<String, Process> started = new HashMap<>();
  private final Map<String, String> commands = new HashMap<>();

  /**
   * @param startCommand the shell command that starts one node; must contain {@code {jar}}
   * @param pidFileTemplate where a node's PID is kept, {@code {node}} replaced by its name; null
   *     when no PID file is used (then only a node this controller started can be stopped)
   * @param logDirectory where the output of the processes it starts goes
   */
  public ProcessNodeController(String startCommand, String pidFileTemplate, Path logDirectory) {
    if (startCommand == null || !startCommand.contains("{jar}")) {
      throw new IllegalArgumentException("start command '" + startCommand + "' has no {jar}"
          + " placeholder: write e.g. 'java -jar {jar} --name={node} ...'");
    }
    this.startCommand = startCommand;
    this.pidFileTemplate = pidFileTemplate;
    this.logDirectory = logDirectory;
  }

  /** The command that starts {@code node} on {@code jar}. */
  String commandFor(UpgradeTarget node, String jar) {
    return startCommand.replace("{jar}", jar).replace("{node}", node.name());
  }

  @Override
  public void stop(UpgradeTarget node, Duration timeout) throws NodeControlException {
    ProcessHandle process = processOf(node);
    if (process == null) {
      return; // not running: nothing to stop
    }
    process.destroy();
    if (!waitFor(process, timeout)) {
      process.destroyForcibly();
      if (!waitFor(process, Duration.ofSeconds(30))) {
        throw new NodeControlException(node.name() + " (pid " + process.pid() + ") still runs"
            + " after SIGTERM, " + timeout + ", then SIGKILL");
      }
    }
  }

  @Override
  public void kill(UpgradeTarget node) throws NodeControlException {
    ProcessHandle process = processOf(node);
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    if (!waitFor(process, Duration.ofSeconds(30))) {
      throw new NodeControlException(node.name() + " (pid " + process.pid() + ") still runs 30 s"
          + " after SIGKILL");
    }
  }

  @Override
  public void start(UpgradeTarget node, String jar) throws NodeControlException {
    String command = commandFor(node, jar);
    File log = logFile(node).toFile();
    try {
      Files.createDirectories(logDirectory);
      Process process = new ProcessBuilder("/bin/sh", "-c", "exec " + command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .start();
      started.put(node.name(), process);
      commands.put(node.name(), command);
      Path pidFile = pidFile(node);
      if (pidFile != null) {
        if (pidFile.getParent() != null) {
          Files.createDirectories(pidFile.getParent());
        }
        Files.writeString(pidFile, process.pid() + "\n", StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new NodeControlException("cannot start " + node.name() + " with '" + command + "': "
          + e.getMessage(), e);
    }
  }

  @Override
  public OptionalInt exitStatus(UpgradeTarget node) {
    Process process = started.get(node.name());
    if (process == null || process.isAlive()) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(process.exitValue());
  }

  @Override
  public String describe(UpgradeTarget node) {
    Process process = started.get(node.name());
    return (process == null ? "" : "pid " + process.pid() + ", ") + "output in " + logFile(node)
        + (process == null ? "" : ", started with: " + commands.get(node.name()));
  }

  private Path logFile(UpgradeTarget node) {
    return logDirectory.resolve(node.name() + ".log");
  }

  private Path pidFile(UpgradeTarget node) {
    return pidFileTemplate == null ? null : Path.of(pidFileTemplate.replace("{node}", node.name()));
  }

  /** The node's live process: the one started here, else the one its PID file names. */
  private ProcessHandle processOf(UpgradeTarget node) throws NodeControlException {
    Process own = started.get(node.name());
    if (own != null) {
      return own.isAlive() ? own.toHandle() : null;
    }
    Path pidFile = pidFile(node);
    if (pidFile == null) {
      throw new NodeControlException("no PID of " + node.name() + ": this run did not start it"
          + " and no --pid-file template was given (e.g. --pid-file '/var/run/baton/{node}.pid')");
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).strip());
    } catch (IOException | NumberFormatException e) {
      throw new NodeControlException("cannot read the PID of " + node.name() + " from " + pidFile
          + " (" + e.getMessage() + "): write the node's PID there when starting it", e);
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    return process.filter(ProcessHandle::isAlive).orElse(null);
  }

  private static boolean waitFor(ProcessHandle process, Duration timeout) {
    try {
      process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      return !process.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }
}
