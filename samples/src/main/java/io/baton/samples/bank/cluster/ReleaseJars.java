package io.baton.samples.bank.cluster;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the bank's two releases are: {@code baton-samples-all.jar} (release 1) and {@code
 * baton-samples-v2-all.jar} (release 2), built side by side in {@code samples/target}. A node runs
 * on release 2 by being started from the release-2 jar with the same flags: a rolling upgrade of
 * the bank changes nothing but the jar path.
 */
public final class ReleaseJars {

  /** The file name of release 1's fat jar. */
  public static final String RELEASE_1 = "baton-samples-all.jar";

  /** The file name of release 2's fat jar. */
  public static final String RELEASE_2 = "baton-samples-v2-all.jar";

  private ReleaseJars() {}

  /**
   * The jar of {@code release} (1 or 2) next to {@code runningJar}, if it exists.
   *
   * @throws IllegalArgumentException for a release other than 1 or 2
   */
  public static Optional<Path> sibling(Path runningJar, int release) {
    String name = switch (release) {
      case 1 -> RELEASE_1;
      case 2 -> RELEASE_2;
      default -> throw new IllegalArgumentException(
          "the bank sample has releases 1 and 2, not " + release);
    };
    Path jar = runningJar.resolveSibling(name);
    return Files.isRegularFile(jar) ? Optional.of(jar) : Optional.empty();
  }

  /**
   * The jar this JVM was started from ({@code java -jar x.jar}: the class path is that one file),
   * if it was started from a jar.
   */
  public static Optional<Path> running(String classPath) {
    if (classPath == null || classPath.contains(File.pathSeparator)
        || !classPath.endsWith(".jar")) {
      return Optional.empty();
    }
    return Optional.of(Path.of(classPath));
  }
}
