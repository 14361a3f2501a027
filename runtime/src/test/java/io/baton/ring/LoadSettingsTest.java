package io.baton.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The load settings: reference.conf defaults, and bad values refused naming key and value. */
@Timeout(10)
class LoadSettingsTest {

  private static Config with(String overrides) {
    return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.defaultReference());
  }

  @Test
  void theDefaultsComeFromReferenceConf() {
    LoadMeter.Settings load = LoadMeter.Settings.fromConfig(with(""));
    assertEquals(Duration.ofSeconds(1), load.publishInterval());
    assertEquals(Duration.ofSeconds(10), load.halfLife());
    assertEquals(Duration.ofSeconds(4), load.settleTime());
    ShardPlacement.Tolerance tolerance = RingSuccessorAllocation.tolerance(with(""));
    assertEquals(new ShardPlacement.Tolerance(2, 0.2, 1.0), tolerance);
  }

  @Test
  void badValuesAreRefusedNamingTheKeyTheValueAndWhatIsAllowed() {
    var interval = assertThrows(IllegalArgumentException.class,
        () -> LoadMeter.Settings.fromConfig(with("baton.ring.load.publish-interval = 0s")));
    assertTrue(interval.getMessage().contains("baton.ring.load.publish-interval = PT0S")
        && interval.getMessage().contains("positive"), interval.getMessage());
    var settle = assertThrows(IllegalArgumentException.class,
        () -> LoadMeter.Settings.fromConfig(with("baton.ring.load.settle-time = 0s")));
    assertTrue(settle.getMessage().contains("baton.ring.load.settle-time = PT0S"),
        settle.getMessage());
    var tolerance = assertThrows(IllegalArgumentException.class,
        () -> RingSuccessorAllocation.tolerance(with("baton.ring.allocation.load-tolerance = 2")));
    assertTrue(tolerance.getMessage().contains("baton.ring.allocation.load-tolerance = 2.0")
        && tolerance.getMessage().contains("from 0 to 1"), tolerance.getMessage());
    var threshold = assertThrows(IllegalArgumentException.class,
        () -> RingSuccessorAllocation.tolerance(with("baton.ring.allocation.load-threshold = -1")));
    assertTrue(threshold.getMessage().contains("load-threshold = -1.0"), threshold.getMessage());
  }
}
