package io.baton.ops.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;

/**
 * The application version a node shows operators: {@code baton.node.app-version}, or when empty
 * the {@code Implementation-Version} of the application's jar, or "unknown".
 */
public final class AppVersion {

  /** The configuration key. */
  public static final String KEY = "baton.node.app-version";

  private AppVersion() {}

  /**
   * The version of {@code config}'s key, else of the manifest.
   *
   * @throws IllegalArgumentException naming the key, when its value is not allowed
   */
  public static String fromConfig(Config config) {
    String configured;
    try {
      configured = config.hasPath(KEY) ? config.getString(KEY) : "";
    } catch (ConfigException.WrongType e) {
      throw new IllegalArgumentException(KEY + " must be a string, e.g. \"2.3.1\": " + e.getMessage(), e);
    }
    return configured.isEmpty() ? fromManifest() : validated(configured);
  }

  /** {@code value} if it is an allowed version, else an error naming the key. */
  static String validated(String value) {
    if (value.isBlank() || value.length() > 100 || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException(KEY + " = \"" + value.replaceAll("\\p{Cntrl}", "?")
          + "\" is not allowed: use at most 100 printable characters, e.g. \"2.3.1\", or \"\" for"
          + " the jar manifest's Implementation-Version");
    }
    return value;
  }

  /**
   * The {@code Implementation-Version} of the jar the JVM was started with ({@code java -jar}), or
   * of the main class's package ({@code java -cp ... Main}); "unknown" when neither has one.
   */
  static String fromManifest() {
    String command = System.getProperty("sun.java.command", "").strip();
    String first = command.isEmpty() ? "" : command.split("\\s+")[0];
    if (first.endsWith(".jar") && Files.isRegularFile(Path.of(first))) {
      try (JarFile jar = new JarFile(first)) {
        if (jar.getManifest() != null) {
          String version = jar.getManifest().getMainAttributes().getValue("Implementation-Version");
          if (version != null && !version.isBlank()) {
            return version;
          }
        }
      } catch (IOException e) {
        return "unknown";
      }
      return "unknown";
    }
    if (!first.isEmpty()) {
      try {
        Package pkg = Class.forName(first, false, ClassLoader.getSystemClassLoader()).getPackage();
        if (pkg != null && pkg.getImplementationVersion() != null) {
          return pkg.getImplementationVersion();
        }
      } catch (ClassNotFoundException | LinkageError e) {
        return "unknown";
      }
    }
    return "unknown";
  }
}
