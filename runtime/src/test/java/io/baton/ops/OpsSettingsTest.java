package io.baton.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The baton.ops settings and the status command's failure paths, without a node. */
@Timeout(30)
class OpsSettingsTest {

  /** The reference configuration documents the defaults: off, loopback, port 8558. */
  @Test
  void referenceDefaultsAreOffOnLoopback() {
    OpsSettings settings = OpsSettings.fromConfig(ConfigFactory.load());
    assertFalse(settings.enabled());
    assertEquals("127.0.0.1", settings.host());
    assertEquals(8558, settings.port());
    assertEquals(100, settings.maxSupervisorTags());
    assertEquals(java.time.Duration.ofSeconds(2), settings.reportTimeout());
  }

  /** A bad value fails with the key, the value and what is allowed. */
  @Test
  void invalidValuesNameTheKey() {
    var error = assertThrows(IllegalArgumentException.class, () -> OpsSettings.fromConfig(
        ConfigFactory.parseString("baton.ops.port = 70000").withFallback(ConfigFactory.load())));
    assertTrue(error.getMessage().contains("baton.ops.port = 70000"), error.getMessage());
    assertTrue(error.getMessage().contains("1-65535"), error.getMessage());
    var tags = assertThrows(IllegalArgumentException.class,
        () -> OpsSettings.fromConfig(ConfigFactory.load()).withMaxSupervisorTags(0));
    assertTrue(tags.getMessage().contains("max-supervisor-tags"), tags.getMessage());
    var timeout = assertThrows(IllegalArgumentException.class, () -> OpsSettings.fromConfig(
        ConfigFactory.parseString("baton.ops.report-timeout = 0s")
            .withFallback(ConfigFactory.load())));
    assertTrue(timeout.getMessage().contains("baton.ops.report-timeout"), timeout.getMessage());
    assertTrue(timeout.getMessage().contains("positive"), timeout.getMessage());
  }

  /** A node that does not answer makes the command exit 1 with a hint, not a stack trace. */
  @Test
  void statusCommandReportsAnUnreachableNode() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    StringWriter err = new StringWriter();
    int exit = new CommandLine(new StatusCommand())
        .setOut(new PrintWriter(new StringWriter()))
        .setErr(new PrintWriter(err))
        .execute("--node", "127.0.0.1:" + port, "--timeout", "2s");
    assertEquals(1, exit);
    assertTrue(err.toString().contains("cannot reach"), err.toString());
    assertTrue(err.toString().contains("baton.ops.enabled"), err.toString());
  }
}
