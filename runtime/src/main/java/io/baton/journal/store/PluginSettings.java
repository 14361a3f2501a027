package io.baton.journal.store;

import com.typesafe.config.Config;
import java.nio.file.Path;

/**
 * The typed settings of one plugin block ({@code baton.journal} or {@code baton.snapshot-store}),
 * read once when the plugin starts. An invalid value fails the start with the key, the value and
 * what is allowed.
 */
public record PluginSettings(JournalStoreSettings store, String readDispatcher) {

  public static PluginSettings fromConfig(Config config, String configPath) {
    String dir = config.getString("dir");
    if (dir.isBlank()) {
      throw invalid(configPath, "dir", "\"" + dir + "\"", "a directory path");
    }
    int maxRequests = config.getInt("group-commit.max-requests");
    if (maxRequests < 1) {
      throw invalid(configPath, "group-commit.max-requests", maxRequests, "at least 1");
    }
    long maxBytes = config.getBytes("group-commit.max-bytes");
    if (maxBytes < 1) {
      throw invalid(configPath, "group-commit.max-bytes", maxBytes, "at least 1 byte");
    }
    String readDispatcher = config.getString("read-dispatcher");
    if (readDispatcher.isBlank()) {
      throw invalid(configPath, "read-dispatcher", "\"\"", "the path of a dispatcher");
    }
    JournalStoreSettings store = JournalStoreSettings.create(Path.of(dir))
        .withFsync(config.getBoolean("fsync"))
        .withMaxGroupRequests(maxRequests)
        .withMaxGroupBytes(maxBytes)
        .withRepairDamagedLog(config.hasPath("integrity.on-damaged-log")
            && onDamagedLog(configPath, config.getString("integrity.on-damaged-log")));
    return new PluginSettings(store, readDispatcher);
  }

  /**
   * The snapshot store's settings: with an empty {@code dir} (the default) it uses the journal's
   * store, read from {@code baton.journal} in the system's configuration at start, so that one
   * setting of {@code baton.journal.dir} moves both however the configuration was layered;
   * otherwise its own block, as for the journal.
   */
  public static PluginSettings forSnapshotStore(Config config, String configPath, Config root) {
    if (config.getString("dir").isBlank()) {
      PluginSettings journal = fromConfig(root.getConfig("baton.journal"), "baton.journal");
      return new PluginSettings(journal.store(), config.getString("read-dispatcher"));
    }
    return fromConfig(config, configPath);
  }

  private static boolean onDamagedLog(String configPath, String value) {
    return switch (value) {
      case "repair" -> true;
      case "refuse" -> false;
      default -> throw invalid(configPath, "integrity.on-damaged-log", "\"" + value + "\"",
          "repair or refuse");
    };
  }

  private static IllegalArgumentException invalid(
      String configPath, String key, Object value, String allowed) {
    return new IllegalArgumentException(
        configPath + "." + key + " = " + value + " is invalid: it must be " + allowed);
  }
}
