package io.baton.supervision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

/** Specs are checked when built, and each error names the bad value and what is allowed. */
class SpecValidationTest {

  private static ChildSpec worker(String id) {
    return ChildSpec.worker(id, Behaviors::empty);
  }

  private static String error(Runnable build) {
    return assertThrows(IllegalArgumentException.class, build::run).getMessage();
  }

  /** Property (OTP): the default shutdown follows the child's type unless one was set explicitly. */
  @Test
  void theDefaultShutdownFollowsTheTypeUnlessSetExplicitly() {
    ChildSpec retyped = worker("w").withType(ChildType.SUPERVISOR);
    assertEquals(Shutdown.infinity(), retyped.shutdown());
    assertEquals(Shutdown.timeout(Duration.ofSeconds(5)),
        retyped.withType(ChildType.WORKER).shutdown());
    ChildSpec explicit = worker("w").withShutdown(Shutdown.timeout(Duration.ofSeconds(2)));
    assertEquals(Shutdown.timeout(Duration.ofSeconds(2)),
        explicit.withType(ChildType.SUPERVISOR).shutdown());
    assertEquals(Shutdown.brutalKill(), ChildSpec.supervisor("s", SupervisorSpec.oneForOne())
        .withShutdown(Shutdown.brutalKill()).withType(ChildType.WORKER).shutdown());
    assertTrue(explicit.hasExplicitShutdown());
  }

  @Test
  void childDefaultsAreOtps() {
    ChildSpec worker = worker("w");
    assertEquals(RestartType.PERMANENT, worker.restart());
    assertEquals(Shutdown.timeout(Duration.ofSeconds(5)), worker.shutdown());
    assertEquals(ChildType.WORKER, worker.type());
    ChildSpec supervisor = ChildSpec.supervisor("s", SupervisorSpec.oneForOne());
    assertEquals(Shutdown.infinity(), supervisor.shutdown());
    assertEquals(ChildType.SUPERVISOR, supervisor.type());
  }

  @Test
  void anEmptyIdIsRefused() {
    assertTrue(error(() -> worker(" ")).contains("non-empty"));
  }

  @Test
  void duplicateIdsAreRefused() {
    String message = error(() -> SupervisorSpec.oneForOne()
        .withChildren(List.of(worker("a"), worker("a"))));
    assertTrue(message.contains("duplicate child id 'a'"), message);
  }

  @Test
  void negativeIntensityAndNonPositivePeriodAreRefused() {
    assertTrue(error(() -> SupervisorSpec.oneForOne().withIntensity(-1, Duration.ofSeconds(1)))
        .contains("intensity must be 0 or more"));
    assertTrue(error(() -> SupervisorSpec.oneForOne().withIntensity(1, Duration.ZERO))
        .contains("period must be positive"));
  }

  @Test
  void aNonPositiveShutdownTimeoutIsRefusedPointingToBrutalKill() {
    assertTrue(error(() -> Shutdown.timeout(Duration.ZERO)).contains("Shutdown.brutalKill()"));
  }

  @Test
  void simpleOneForOneNeedsExactlyOneDynamicTemplate() {
    assertTrue(error(() -> SupervisorSpec.simpleOneForOne(worker("w")))
        .contains("ChildSpec.dynamicWorker"));
    ChildSpec template = ChildSpec.dynamicWorker("d", String.class, s -> Behaviors.empty());
    ChildSpec another = ChildSpec.dynamicWorker("e", String.class, s -> Behaviors.empty());
    assertTrue(error(() -> SupervisorSpec.simpleOneForOne(template).withChild(another))
        .contains("exactly one child spec"));
    assertTrue(error(() -> SupervisorSpec.oneForOne().withChild(template))
        .contains("only a SIMPLE_ONE_FOR_ONE supervisor"));
  }

  @Test
  void significantChildrenNeedAutoShutdownAndCannotBePermanent() {
    assertTrue(error(() -> worker("p").withSignificant(true))
        .contains("permanent child cannot be significant"));
    ChildSpec significant = worker("t").withRestart(RestartType.TRANSIENT).withSignificant(true);
    assertTrue(error(() -> SupervisorSpec.oneForOne().withChild(significant))
        .contains("autoShutdown is NEVER"));
    SupervisorSpec ok = SupervisorSpec.oneForOne().withAutoShutdown(AutoShutdown.ANY_SIGNIFICANT)
        .withChild(significant);
    assertEquals(1, ok.children().size());
  }
}
