package io.baton.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import io.baton.ring.ProcessDeathDetector.Verdict;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Only a refused connection is certain death; silence and other failures are not. */
@Timeout(10)
class ProcessDeathDetectorTest {

  private static final Duration TIMEOUT = Duration.ofMillis(500);

  @Test
  void aListeningPortIsAliveAndTheSamePortClosedIsDead() throws IOException {
    int port;
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = server.getLocalPort();
      assertEquals(Verdict.ALIVE, ProcessDeathDetector.probe("127.0.0.1", port, TIMEOUT));
    }
    assertEquals(Verdict.DEAD, ProcessDeathDetector.probe("127.0.0.1", port, TIMEOUT));
  }

  /** Property: a frozen or cut-off process (timeout) is never declared dead by the probe. */
  @Test
  void silenceAndOtherFailuresAreUncertain() {
    assertEquals(Verdict.SILENT, ProcessDeathDetector.classify(new SocketTimeoutException()));
    assertEquals(Verdict.UNKNOWN, ProcessDeathDetector.classify(new NoRouteToHostException()));
    assertEquals(Verdict.UNKNOWN, ProcessDeathDetector.classify(new IOException("reset")));
    assertEquals(Verdict.DEAD, ProcessDeathDetector.classify(new ConnectException("refused")));
    assertEquals(Verdict.ALIVE, ProcessDeathDetector.classify(null));
  }

  @Test
  void settingsComeFromReferenceConfAndABadValueNamesTheKey() {
    var settings = ProcessDeathDetector.Settings.fromConfig(ConfigFactory.load());
    assertEquals(Duration.ofMillis(200), settings.interval());
    assertEquals(ProcessDeathDetector.Scope.ALL, settings.scope());
    var error = assertThrows(IllegalArgumentException.class,
        () -> ProcessDeathDetector.Settings.fromConfig(ConfigFactory
            .parseString("baton.ring.death-detector.probe = some").withFallback(ConfigFactory.load())));
    assertEquals(true, error.getMessage().contains("baton.ring.death-detector.probe"));
  }
}
