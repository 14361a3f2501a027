package io.baton.upgrade.rolling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ProcessNodeController} with real shell processes: the start template, PID files, output
 * files, exit status, SIGTERM, and SIGKILL after the timeout. Every process started here is
 * killed by PID at the end.
 */
@Timeout(60)
class ProcessNodeControllerTest {

  @TempDir Path dir;

  private final List<ProcessHandle> started = new ArrayList<>();
  private final UpgradeTarget node = new UpgradeTarget("node1", "127.0.0.1:8558");

  @AfterEach
  void killWhatWasStarted() {
    for (ProcessHandle process : started) {
      process.destroyForcibly();
    }
  }

  private ProcessNodeController controller(String command) {
    return new ProcessNodeController(command, dir.resolve("{node}.pid").toString(),
        dir.resolve("logs"));
  }

  private long pidOf(String name) throws Exception {
    long pid = Long.parseLong(Files.readString(dir.resolve(name + ".pid")).strip());
    ProcessHandle.of(pid).ifPresent(started::add);
    return pid;
  }

  /** Property: the template gets the jar and the node; output and PID land in their files. */
  @Test
  void startRunsTheTemplateWithTheJarAndTheNodeAndRecordsItsPidAndOutput() throws Exception {
    ProcessNodeController controller = controller("sh -c 'echo started {node} on {jar}; exit 3'");
    controller.start(node, "app-2.jar");
    long pid = pidOf("node1");
    ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
    assertEquals(OptionalInt.of(3), controller.exitStatus(node));
    String output = Files.readString(dir.resolve("logs/node1.log"), StandardCharsets.UTF_8);
    assertEquals("started node1 on app-2.jar\n", output);
    assertTrue(controller.describe(node).contains("pid " + pid), controller.describe(node));
  }

  /** Property: stop sends SIGTERM to a running node and returns once it has exited. */
  @Test
  void stopEndsARunningNodeWithSigterm() throws Exception {
    ProcessNodeController controller = controller("sleep 60 # {jar}");
    controller.start(node, "a.jar");
    long pid = pidOf("node1");
    assertEquals(OptionalInt.empty(), controller.exitStatus(node), "it runs");
    controller.stop(node, Duration.ofSeconds(20));
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    assertEquals(OptionalInt.of(143), controller.exitStatus(node), "128 + SIGTERM");
  }

  /** Property: a node that ignores SIGTERM is killed with SIGKILL once the timeout passed. */
  @Test
  void stopKillsANodeThatIgnoresSigtermAfterTheTimeout() throws Exception {
    ProcessNodeController controller =
        controller("sh -c 'trap \"\" TERM; echo ready; while :; do sleep 0.2; done' {jar}");
    controller.start(node, "a.jar");
    pidOf("node1");
    Path log = dir.resolve("logs/node1.log");
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!Files.exists(log) || !Files.readString(log).contains("ready")) {
      assertTrue(System.nanoTime() < deadline, "the node never said ready");
      Thread.onSpinWait();
    }
    controller.stop(node, Duration.ofMillis(500));
    assertEquals(OptionalInt.of(137), controller.exitStatus(node), "128 + SIGKILL");
  }

  /** Property: a node this controller did not start is found through its PID file. */
  @Test
  void aNodeStartedElsewhereIsStoppedThroughItsPidFile() throws Exception {
    Process other = new ProcessBuilder("sleep", "60").start();
    started.add(other.toHandle());
    Files.writeString(dir.resolve("node1.pid"), other.pid() + "\n");
    controller("java -jar {jar}").kill(node);
    assertFalse(other.isAlive());
  }

  /** Property: without a PID, stopping says where the PID was expected. */
  @Test
  void aNodeWithoutAPidCannotBeStoppedAndTheErrorSaysWhy() {
    NodeControlException error = assertThrows(NodeControlException.class,
        () -> controller("java -jar {jar}").stop(node, Duration.ofSeconds(1)));
    assertTrue(error.getMessage().contains("node1.pid"), error.getMessage());
  }

  /** Property: a template without {jar} is refused, saying what to write. */
  @Test
  void aTemplateWithoutTheJarPlaceholderIsRefused() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> controller("java -jar app.jar"));
    assertTrue(error.getMessage().contains("{jar}"), error.getMessage());
  }
}
