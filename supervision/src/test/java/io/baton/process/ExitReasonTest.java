package io.baton.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exit reasons: which are deliberate, how exceptions map, and how they cross a node. */
class ExitReasonTest {

  @Test
  void onlyNormalAndShutdownAreDeliberate() {
    assertTrue(ExitReason.normal().isNormalOrShutdown());
    assertTrue(ExitReason.shutdown("x").isNormalOrShutdown());
    assertFalse(ExitReason.killed().isNormalOrShutdown());
    assertFalse(ExitReason.noProc().isNormalOrShutdown());
    assertFalse(ExitReason.abnormal("x").isNormalOrShutdown());
    // OTP's {shutdown, {failed_to_start_child, Id, Reason}}: a shutdown, whatever the cause.
    assertTrue(new ExitReason.FailedToStartChild("c", ExitReason.abnormal("x"))
        .isNormalOrShutdown());
  }

  @Test
  void aProcessExitCarriesItsReasonAndAnyOtherExceptionIsAbnormal() {
    assertSame(ExitReason.killed(), ExitReason.of(new ProcessExit(ExitReason.killed())));
    IllegalStateException crash = new IllegalStateException("bad state");
    ExitReason.Abnormal abnormal = (ExitReason.Abnormal) ExitReason.of(crash);
    assertEquals(IllegalStateException.class.getName(), abnormal.errorType());
    assertEquals("bad state", abnormal.message());
    assertSame(crash, abnormal.cause());
    assertEquals(0, new ProcessExit(ExitReason.normal()).getStackTrace().length,
        "a process exit is a signal: it must not pay for a stack trace");
  }

  @Test
  void everyReasonSurvivesAJsonRoundTripLikeTheOneBetweenNodes() throws Exception {
    ObjectMapper json = new ObjectMapper();
    for (ExitReason reason : List.of(ExitReason.normal(), ExitReason.shutdown(),
        ExitReason.shutdown("t"), ExitReason.kill(), ExitReason.killed(), ExitReason.noProc(),
        ExitReason.nodeDown("pekko://sys@127.0.0.1:2552"),
        ExitReason.of(new IllegalArgumentException("bad")),
        new ExitReason.FailedToStartChild("c", new ExitReason.FailedToStartChild("x",
            ExitReason.of(new IllegalStateException("x")))))) {
      String text = json.writeValueAsString(reason);
      ExitReason back = json.readValue(text, ExitReason.class);
      assertEquals(reason, back, text);
    }
  }
}
