package io.baton.samples.bank.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.upgrade.rolling.UpgradeMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The demo's upgrade mode comes from {@code -Dbaton.samples.bank.upgrade-mode}. */
class RollingUpgradeStepTest {

  @AfterEach
  void clearTheProperty() {
    System.clearProperty(RollingUpgradeStep.MODE_PROPERTY);
  }

  /** Property: graceful unless asked otherwise, crash when asked, anything else refused. */
  @Test
  void theModeIsGracefulByDefaultCrashWhenAskedAndNothingElse() {
    assertEquals(UpgradeMode.GRACEFUL, RollingUpgradeStep.modeFromProperty());
    System.setProperty(RollingUpgradeStep.MODE_PROPERTY, "crash");
    assertEquals(UpgradeMode.CRASH, RollingUpgradeStep.modeFromProperty());
    System.setProperty(RollingUpgradeStep.MODE_PROPERTY, " graceful ");
    assertEquals(UpgradeMode.GRACEFUL, RollingUpgradeStep.modeFromProperty());
    System.setProperty(RollingUpgradeStep.MODE_PROPERTY, "kill");
    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, RollingUpgradeStep::modeFromProperty);
    assertTrue(refused.getMessage().contains("use graceful or crash"), refused.getMessage());
  }
}
