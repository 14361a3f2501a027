package io.baton.supervision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** OTP 24 auto_shutdown: significant children that end by themselves can stop the supervisor. */
@Timeout(30)
class AutoShutdownTest extends SupervisorFixture {

  private SupervisorSpec spec(Strategy strategy, AutoShutdown auto, ChildSpec... children) {
    SupervisorSpec base = switch (strategy) {
      case ONE_FOR_ALL -> SupervisorSpec.oneForAll();
      default -> SupervisorSpec.oneForOne();
    };
    return base.withAutoShutdown(auto).withIntensity(10, Duration.ofSeconds(60))
        .withTicker(ticker).withChildren(List.of(children));
  }

  private ChildSpec significant(String id, RestartType restart) {
    return worker(id).withRestart(restart).withSignificant(true);
  }

  @Test
  void anySignificantTransientNormalExitShutsTheSupervisorDown() {
    var sup = start(spec(Strategy.ONE_FOR_ONE, AutoShutdown.ANY_SIGNIFICANT, worker("a"),
        significant("b", RestartType.TRANSIENT), worker("c")));
    reports.expect("started a", "started b", "started c");
    child(sup, "b").tell(new TestChild.StopNormally());
    reports.expect("exited b:normal", "auto_shutdown b", "stopped c:shutdown",
        "stopped a:shutdown", "supervisor_exited:shutdown");
    expectTerminated(sup);
  }

  @Test
  void anySignificantTransientCrashIsRestartedInstead() {
    var sup = start(spec(Strategy.ONE_FOR_ONE, AutoShutdown.ANY_SIGNIFICANT, worker("a"),
        significant("b", RestartType.TRANSIENT)));
    reports.expect("started a", "started b");
    child(sup, "b").tell(new TestChild.Crash("boom"));
    reports.expect("exited b:boom", "started b");
    reports.expectNone();
    stop(sup);
  }

  @Test
  void anySignificantTemporaryCrashShutsTheSupervisorDown() {
    var sup = start(spec(Strategy.ONE_FOR_ONE, AutoShutdown.ANY_SIGNIFICANT, worker("a"),
        significant("b", RestartType.TEMPORARY)));
    reports.expect("started a", "started b");
    child(sup, "b").tell(new TestChild.Crash("boom"));
    reports.expect("exited b:boom", "auto_shutdown b", "stopped a:shutdown",
        "supervisor_exited:shutdown");
    expectTerminated(sup);
  }

  @Test
  void allSignificantWaitsForTheLastSignificantChild() {
    var sup = start(spec(Strategy.ONE_FOR_ONE, AutoShutdown.ALL_SIGNIFICANT, worker("a"),
        significant("b", RestartType.TRANSIENT), significant("c", RestartType.TRANSIENT)));
    reports.expect("started a", "started b", "started c");
    child(sup, "b").tell(new TestChild.StopNormally());
    reports.expect("exited b:normal");
    reports.expectNone();
    child(sup, "c").tell(new TestChild.StopNormally());
    reports.expect("exited c:normal", "auto_shutdown c", "stopped a:shutdown",
        "supervisor_exited:shutdown");
    expectTerminated(sup);
  }

  @Test
  void terminatingASignificantChildDoesNotShutTheSupervisorDown() {
    var sup = start(spec(Strategy.ONE_FOR_ONE, AutoShutdown.ANY_SIGNIFICANT, worker("a"),
        significant("b", RestartType.TRANSIENT)));
    reports.expect("started a", "started b");
    assertEquals(SupervisorReply.OK, reply(sup, r -> new Supervisor.TerminateChild("b", r)));
    reports.expect("stopped b:shutdown");
    reports.expectNone();
    assertEquals(List.of("b:UNDEFINED", "a"), whichIds(sup));
    stop(sup);
  }

  @Test
  void aGroupRestartStoppingASignificantChildDoesNotShutTheSupervisorDown() {
    var sup = start(spec(Strategy.ONE_FOR_ALL, AutoShutdown.ANY_SIGNIFICANT, worker("a"),
        significant("b", RestartType.TEMPORARY)));
    reports.expect("started a", "started b");
    child(sup, "a").tell(new TestChild.Crash("boom"));
    reports.expect("exited a:boom", "stopped b:shutdown", "started a");
    reports.expectNone();
    assertEquals(List.of("a"), whichIds(sup));
    stop(sup);
  }

  @Test
  void aPermanentChildCannotBeSignificant() {
    var error = assertThrows(IllegalArgumentException.class,
        () -> worker("a").withSignificant(true));
    assertEquals(true, error.getMessage().contains("permanent child cannot be significant"));
  }

  @Test
  void aSignificantChildNeedsAutoShutdown() {
    var error = assertThrows(IllegalArgumentException.class,
        () -> spec(Strategy.ONE_FOR_ONE, AutoShutdown.NEVER,
            significant("b", RestartType.TRANSIENT)));
    assertEquals(true, error.getMessage().contains("autoShutdown is NEVER"));
  }
}
