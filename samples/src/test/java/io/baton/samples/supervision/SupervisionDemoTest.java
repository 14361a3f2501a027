package io.baton.samples.supervision;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.baton.samples.DemoTranscript;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The supervision demo run in this JVM, as the fat jar runs it. */
@Timeout(60)
class SupervisionDemoTest {

  /**
   * One run shows, in order, the start, a one_for_one, a one_for_all and a simple_one_for_one
   * restart, an escalation past the restart intensity and the ordered shutdown, and tallies them.
   */
  @Test
  void demoTellsEveryStepInOrderAndTalliesWhatItSaw() throws DemoStepFailed {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    SupervisionDemo.Result result = SupervisionDemo.run(new PrintStream(bytes, true, UTF_8));

    DemoTranscript.assertFollowed(bytes.toString(UTF_8));
    assertEquals(
        new SupervisionDemo.Result(
            6,
            9,
            1,
            List.of("session", "session", "session", "sessions", "notifier", "ledger", "payments",
                "ingest")),
        result);
    assertEquals("DEMO OK: 6 crashes, 9 restarts, 1 escalation, tree stopped in order",
        result.summary());
  }
}
