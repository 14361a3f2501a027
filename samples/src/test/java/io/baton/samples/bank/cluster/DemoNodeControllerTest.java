package io.baton.samples.bank.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.upgrade.rolling.NodeControlException;
import io.baton.upgrade.rolling.UpgradeTarget;
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
 * {@link DemoNodeController} on real processes ({@code sleep} and {@code sh}, standing in for
 * node JVMs): stop is SIGTERM and waits for the exit, kill is SIGKILL, start relaunches through
 * the demo with the jar it is given, and an exit status is only reported for a process the
 * controller started.
 */
@Timeout(60)
class DemoNodeControllerTest {

  private static final UpgradeTarget NODE = new UpgradeTarget("node1", "127.0.0.1:9999");

  @TempDir Path logs;

  private final List<NodeProcess> started = new ArrayList<>();
  private final List<Path> relaunchedWith = new ArrayList<>();
  private NodeProcess current;
  private List<String> nextCommand = List.of("sleep", "60");

  private final DemoNodeController.Nodes nodes = new DemoNodeController.Nodes() {
    @Override
    public NodeProcess current(String name) {
      return name.equals(NODE.name()) ? current : null;
    }

    @Override
    public NodeProcess relaunch(String name, Path jar) throws ClusterDemoFailed {
      relaunchedWith.add(jar);
      try {
        current = start(nextCommand);
      } catch (java.io.IOException e) {
        throw new ClusterDemoFailed("cannot start " + nextCommand, e);
      }
      return current;
    }
  };

  @AfterEach
  void killEverything() throws InterruptedException {
    for (NodeProcess process : started) {
      process.process.destroyForcibly();
      process.process.waitFor();
    }
  }

  private NodeProcess start(List<String> command) throws java.io.IOException {
    NodeProcess process = NodeProcess.start(NODE.name(), command, logs.resolve("node1.log"));
    started.add(process);
    return process;
  }

  @Test
  void stopSendsSigtermAndReturnsOnceTheProcessExited() throws Exception {
    current = start(List.of("sleep", "60"));
    DemoNodeController controller = new DemoNodeController(nodes);
    controller.stop(NODE, Duration.ofSeconds(10));
    assertFalse(current.process.isAlive());
    assertEquals(143, current.process.exitValue(), "SIGTERM, not SIGKILL (137)");
  }

  @Test
  void stopKillsAProcessThatIgnoresSigtermAfterTheTimeout() throws Exception {
    // sleep inherits the ignored SIGTERM; the report line says the trap is in place
    current = start(List.of("sh", "-c",
        "trap '' TERM; echo 'BANK-NODE RELEASE 1'; exec sleep 60"));
    assertTrue(current.await(n -> n.release() == 1, Duration.ofSeconds(10)));
    DemoNodeController controller = new DemoNodeController(nodes);
    controller.stop(NODE, Duration.ofMillis(500));
    assertFalse(current.process.isAlive());
    assertEquals(137, current.process.exitValue());
  }

  @Test
  void startRelaunchesOnTheGivenJarAndReportsOnlyItsOwnExit() throws Exception {
    current = start(List.of("sh", "-c", "exit 5"));
    current.process.waitFor();
    DemoNodeController controller = new DemoNodeController(nodes);
    assertEquals(OptionalInt.empty(), controller.exitStatus(NODE),
        "the demo started that process, not the controller");
    nextCommand = List.of("sh", "-c", "exit 7");
    controller.start(NODE, "/jars/v2.jar");
    assertEquals(List.of(Path.of("/jars/v2.jar")), relaunchedWith);
    current.process.waitFor();
    assertEquals(OptionalInt.of(7), controller.exitStatus(NODE));
  }

  @Test
  void killAndAnUnknownNode() throws Exception {
    current = start(List.of("sleep", "60"));
    DemoNodeController controller = new DemoNodeController(nodes);
    controller.kill(NODE);
    assertFalse(current.process.isAlive());
    assertEquals(137, current.process.exitValue());
    NodeControlException unknown = assertThrows(NodeControlException.class,
        () -> controller.stop(new UpgradeTarget("node9", "127.0.0.1:1"), Duration.ofSeconds(1)));
    assertTrue(unknown.getMessage().contains("node9"), unknown.getMessage());
  }
}
