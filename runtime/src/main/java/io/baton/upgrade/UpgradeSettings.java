package io.baton.upgrade;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The settings under {@code baton.upgrade} (reference.conf documents each key).
 *
 * @param gateEnabled whether a clustered node takes its active versions from the version gate
 * @param gateInterval how often the node republishes its report and recomputes the gate
 * @param hold whether every class is held at its oldest writable version
 */
public record UpgradeSettings(boolean gateEnabled, Duration gateInterval, boolean hold) {

  /** The configuration path. */
  public static final String PATH = "baton.upgrade";

  /** Validates; the error names the key, the value and what is allowed. */
  public UpgradeSettings {
    if (gateInterval.isNegative() || gateInterval.isZero()) {
      throw new IllegalArgumentException(
          PATH + ".gate.interval = " + gateInterval + ": must be a positive duration");
    }
  }

  /** Reads {@code baton.upgrade} of a full configuration. */
  public static UpgradeSettings fromConfig(Config config) {
    Config upgrade = config.getConfig(PATH);
    return new UpgradeSettings(upgrade.getBoolean("gate.enabled"),
        upgrade.getDuration("gate.interval"), upgrade.getBoolean("hold"));
  }
}
