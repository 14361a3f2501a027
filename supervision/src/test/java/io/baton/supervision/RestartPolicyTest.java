package io.baton.supervision;

import static io.baton.supervision.RestartPolicy.AfterExit.DELETE;
import static io.baton.supervision.RestartPolicy.AfterExit.KEEP;
import static io.baton.supervision.RestartPolicy.AfterExit.RESTART;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.baton.process.ExitReason;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OTP's do_restart table, checked on the pure function for every restart type and reason. */
class RestartPolicyTest {

  private static final List<ExitReason> DELIBERATE =
      List.of(ExitReason.normal(), ExitReason.shutdown(), ExitReason.shutdown("term"));
  private static final List<ExitReason> ABNORMAL =
      List.of(ExitReason.killed(), ExitReason.noProc(), ExitReason.nodeDown("pekko://n@h:1"),
          ExitReason.abnormal("boom"));

  @Test
  void permanentChildrenAreRestartedWhateverTheReason() {
    for (ExitReason reason : concat()) {
      assertEquals(RESTART, RestartPolicy.afterExit(RestartType.PERMANENT, reason, false), reason.toString());
    }
  }

  @Test
  void transientChildrenAreRestartedOnlyForAbnormalReasons() {
    for (ExitReason reason : DELIBERATE) {
      assertEquals(KEEP, RestartPolicy.afterExit(RestartType.TRANSIENT, reason, false));
      assertEquals(DELETE, RestartPolicy.afterExit(RestartType.TRANSIENT, reason, true));
    }
    for (ExitReason reason : ABNORMAL) {
      assertEquals(RESTART, RestartPolicy.afterExit(RestartType.TRANSIENT, reason, false));
    }
  }

  @Test
  void temporaryChildrenAreNeverRestartedAndAlwaysDeleted() {
    for (ExitReason reason : concat()) {
      assertEquals(DELETE, RestartPolicy.afterExit(RestartType.TEMPORARY, reason, false));
    }
  }

  private static List<ExitReason> concat() {
    return java.util.stream.Stream.concat(DELIBERATE.stream(), ABNORMAL.stream()).toList();
  }
}
