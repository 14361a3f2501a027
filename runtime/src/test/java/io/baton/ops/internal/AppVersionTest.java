package io.baton.ops.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** baton.node.app-version: configured, or from the manifest, validated. */
@Timeout(10)
class AppVersionTest {

  /** A configured version is shown as given. */
  @Test
  void aConfiguredVersionWins() {
    assertEquals("2.3.1-rc1", AppVersion.fromConfig(ConfigFactory.parseString(
        "baton.node.app-version = \"2.3.1-rc1\"").withFallback(ConfigFactory.load())));
  }

  /** Empty falls back to the manifest, which a test JVM does not have: "unknown", never empty. */
  @Test
  void emptyFallsBackToTheManifest() {
    String version = AppVersion.fromConfig(ConfigFactory.load());
    assertFalse(version.isBlank());
    assertEquals(AppVersion.fromManifest(), version);
  }

  /** A value that cannot be shown on one line fails with the key and what is allowed. */
  @Test
  void badValuesNameTheKey() {
    for (String bad : new String[] {"\"  \"", "\"a\\nb\"", "\"" + "x".repeat(101) + "\"",
        "{ major = 1 }"}) {
      var error = assertThrows(IllegalArgumentException.class, () -> AppVersion.fromConfig(
          ConfigFactory.parseString("baton.node.app-version = " + bad)), bad);
      assertTrue(error.getMessage().startsWith("baton.node.app-version"), error.getMessage());
    }
  }
}
