package io.baton.supervision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The restart window at N and at N+1, at the edge of the period, and after it. */
class RestartWindowTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void nRestartsWithinThePeriodAreAllowedAndTheNextOneIsNot() {
    RestartWindow window = new RestartWindow(3, Duration.ofSeconds(10));
    assertFalse(window.recordAndCheckExceeded(0));
    assertFalse(window.recordAndCheckExceeded(SECOND));
    assertFalse(window.recordAndCheckExceeded(2 * SECOND));
    assertTrue(window.recordAndCheckExceeded(3 * SECOND));
  }

  @Test
  void intensityZeroRefusesTheFirstRestart() {
    assertTrue(new RestartWindow(0, Duration.ofSeconds(1)).recordAndCheckExceeded(0));
  }

  @Test
  void aRestartExactlyOnePeriodOldStillCountsAndOneNanosecondOlderDoesNot() {
    RestartWindow edge = new RestartWindow(1, Duration.ofSeconds(5));
    edge.recordAndCheckExceeded(0);
    assertTrue(edge.recordAndCheckExceeded(5 * SECOND));
    RestartWindow past = new RestartWindow(1, Duration.ofSeconds(5));
    past.recordAndCheckExceeded(0);
    assertFalse(past.recordAndCheckExceeded(5 * SECOND + 1));
  }

  @Test
  void oldRestartsArePrunedSoTheWindowDoesNotGrowWithHistory() {
    RestartWindow window = new RestartWindow(2, Duration.ofSeconds(1));
    for (int i = 0; i < 10_000; i++) {
      assertFalse(window.recordAndCheckExceeded(i * 2 * SECOND));
    }
    assertEquals(1, window.size());
  }
}
