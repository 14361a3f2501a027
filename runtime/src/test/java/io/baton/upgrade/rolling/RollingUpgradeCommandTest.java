package io.baton.upgrade.rolling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** How {@code baton-upgrade} reads its command line. */
@Timeout(30)
class RollingUpgradeCommandTest {

  /** Property: a node is named as written, else by its endpoint's report, else by its endpoint. */
  @Test
  void nodesAreNamedAsWrittenOrByWhatTheirEndpointReports() {
    FakeCluster cluster = new FakeCluster().node("alpha", 2551, 1).node("beta", 2552, 1)
        .node("gamma", 2553, 1).stopped("gamma");
    String alpha = cluster.target("alpha").endpoint();
    String beta = cluster.target("beta").endpoint();
    String gamma = cluster.target("gamma").endpoint();

    List<UpgradeTarget> targets = RollingUpgradeCommand.targets(
        List.of("first=" + alpha, " " + beta, gamma), cluster);

    assertEquals(List.of(new UpgradeTarget("first", alpha), new UpgradeTarget("beta", beta),
        new UpgradeTarget(gamma, gamma)), targets);
  }

  /** Property: an entry that is not host:port is refused, naming it. */
  @Test
  void anEntryThatIsNotAnEndpointIsRefused() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> RollingUpgradeCommand.targets(List.of("node1"), new FakeCluster()));
    assertTrue(error.getMessage().contains("'node1' is not an operator endpoint"),
        error.getMessage());
  }

  /** Property: the mode is graceful or crash, in any case; anything else says what is allowed. */
  @Test
  void theModeIsGracefulOrCrash() {
    assertEquals(UpgradeMode.CRASH, RollingUpgradeCommand.parseMode("Crash"));
    assertEquals(UpgradeMode.GRACEFUL, RollingUpgradeCommand.parseMode("graceful"));
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> RollingUpgradeCommand.parseMode("fast"));
    assertTrue(error.getMessage().contains("write graceful or crash"), error.getMessage());
  }

  /** Property: a bad mode is a usage error (exit 2) before any node is asked. */
  @Test
  void aBadModeIsAUsageError() {
    StringWriter err = new StringWriter();
    int exit = new CommandLine(new RollingUpgradeCommand()).setErr(new PrintWriter(err))
        .execute("--nodes", "127.0.0.1:1", "--jar", "x.jar", "--start-command", "java -jar {jar}",
            "--mode", "fast");
    assertEquals(RollingUpgradeCommand.EXIT_USAGE, exit);
    assertTrue(err.toString().contains("--mode 'fast' is not allowed"), err.toString());
  }
}
