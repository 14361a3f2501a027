package io.baton.samples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The command line: which arguments run a sample, and the exit status of the others. */
@Timeout(10)
class MainTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(List.of(args), new PrintStream(out, true, UTF_8),
        new PrintStream(err, true, UTF_8));
  }

  /** An unknown sample is refused with status 2 and the usage on standard error. */
  @Test
  void unknownSampleExitsWithUsageStatus() {
    assertEquals(Main.EXIT_USAGE, run("no-such-sample"));
    assertTrue(err.toString(UTF_8).contains("unknown arguments [no-such-sample]"));
    assertTrue(err.toString(UTF_8).contains("usage: java -jar baton-samples-all.jar [sample]"));
    assertEquals("", out.toString(UTF_8));
  }

  /** More than one argument is refused the same way. */
  @Test
  void extraArgumentsExitWithUsageStatus() {
    assertEquals(Main.EXIT_USAGE, run(Main.SUPERVISION_DEMO, "again"));
  }

  /** Help lists the samples on standard output and succeeds. */
  @Test
  void helpListsTheSamples() {
    assertEquals(Main.EXIT_OK, run("--help"));
    assertTrue(out.toString(UTF_8).contains(Main.SUPERVISION_DEMO + "  (default)"));
  }

  /** Help names the cluster demo and the node it starts. */
  @Test
  void helpListsTheClusterDemo() {
    assertEquals(Main.EXIT_OK, run("help"));
    assertTrue(out.toString(UTF_8).contains(Main.BANK_CLUSTER));
    assertTrue(out.toString(UTF_8).contains(Main.BANK_NODE + " <flags>"));
  }

  /** A node flag NodeConfig does not know is refused before any actor system starts. */
  @Test
  void bankNodeWithAnUnknownFlagExitsWithUsageStatus() {
    assertEquals(Main.EXIT_USAGE, run(Main.BANK_NODE, "--no-such-flag=1"));
    assertTrue(err.toString(UTF_8).contains("bank-node could not start"));
  }

  /** The cluster demo takes no argument. */
  @Test
  void bankClusterWithAnArgumentExitsWithUsageStatus() {
    assertEquals(Main.EXIT_USAGE, run(Main.BANK_CLUSTER, "again"));
  }

  /** The operator commands run as picocli commands under their short names, with their exits. */
  @Test
  void operatorCommandsRunUnderTheirShortNames() throws Exception {
    assertEquals(0, run("drain", "--help"));
    assertTrue(out.toString(UTF_8).contains("Usage: drain"), out.toString(UTF_8));
    assertTrue(out.toString(UTF_8).contains("--wait"), out.toString(UTF_8));
    assertEquals(2, run("undrain"), "the node is required");
    assertTrue(err.toString(UTF_8).contains("Missing required parameter: 'NODE'"),
        err.toString(UTF_8));
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    assertEquals(1, run("status", "--node", "127.0.0.1:" + port, "--timeout", "2s"));
    assertTrue(err.toString(UTF_8).contains("cannot reach"), err.toString(UTF_8));
  }

  /** upgrade runs under its short name; when no node answers it refuses before touching any. */
  @Test
  void upgradeRunsUnderItsShortNameAndRefusesWhenNoNodeAnswers() throws Exception {
    assertEquals(0, run("upgrade", "--help"));
    assertTrue(out.toString(UTF_8).contains("Usage: upgrade"), out.toString(UTF_8));
    assertTrue(out.toString(UTF_8).contains("--resume-from"), out.toString(UTF_8));
    assertEquals(2, run("upgrade", "--nodes", "127.0.0.1:1"), "--jar and --start-command");
    assertEquals(2, run("upgrade", "--nodes", "127.0.0.1:1", "--jar", "new.jar",
        "--start-command", "java -jar new.jar"), "the start command has no {jar}");
    assertTrue(err.toString(UTF_8).contains("{jar}"), err.toString(UTF_8));
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    assertEquals(3, run("upgrade", "--nodes", "127.0.0.1:" + port, "--jar", "new.jar",
        "--start-command", "java -jar {jar}", "--request-timeout", "2s"));
    assertTrue(err.toString(UTF_8).contains("UPGRADE REFUSED"), err.toString(UTF_8));
    assertTrue(err.toString(UTF_8).contains("do not answer"), err.toString(UTF_8));
  }

  /** Help names the operator commands. */
  @Test
  void helpListsTheOperatorCommands() {
    assertEquals(Main.EXIT_OK, run("--help"));
    for (String command : Main.OPERATOR_COMMANDS.keySet()) {
      assertTrue(out.toString(UTF_8).contains("  " + command + " "), command);
    }
  }

  /** bank-load refuses a bad flag before it starts anything, naming the flag. */
  @Test
  void bankLoadWithABadFlagExitsWithUsageStatus() {
    assertEquals(Main.EXIT_USAGE, run(Main.BANK_LOAD, "--nodes=two"));
    assertTrue(err.toString(UTF_8).contains("--nodes=two is not a whole number"));
    assertEquals(Main.EXIT_USAGE, run(Main.BANK_LOAD, "--nodes=2", "--kill"));
    assertTrue(err.toString(UTF_8).contains("--kill needs at least 3 nodes"));
    assertEquals(Main.EXIT_USAGE, run(Main.BANK_LOAD, "--speed=3"));
    assertTrue(err.toString(UTF_8).contains("unknown flag --speed=3"));
  }
}
