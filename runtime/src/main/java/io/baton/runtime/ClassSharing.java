package io.baton.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * JVM options for a node JVM that starts from a class-data-sharing archive (AppCDS, JDK 17's
 * dynamic archive): the JVM maps the classes of Pekko, Scala and Baton from the archive instead of
 * loading and verifying them one by one, which halves a node's start (measured, docs/benchmarks.md:
 * 4.2 s to 2.1–2.4 s from {@code java -jar} to Up for one bank node on this 2-core machine).
 *
 * <p>Guarantees: the options never change what a node does, only how fast its classes load. An
 * archive that is missing yields no option; one that does not match the JVM or the class path
 * (another JDK, a rebuilt jar) is ignored by the JVM itself, which then loads classes as usual
 * (its warning is switched off). A damaged archive (a flipped bit on disk) is detected by its
 * checksum ({@code -XX:+VerifySharedSpaces}, on in both the recording and the using JVM) and
 * ignored the same way, never mapped. An archive is written by a JVM started with {@link
 * #recordOptions} when it exits (normally, by SIGTERM or halt; not by kill -9), then published
 * with {@link #publish}, so that no JVM ever maps a half-written file.
 */
public final class ClassSharing {

  private ClassSharing() {}

  /** The archive conventionally kept beside {@code jar}: {@code app.jar} → {@code app.jsa}. */
  public static Path archiveBeside(Path jar) {
    String name = jar.getFileName().toString();
    String base = name.endsWith(".jar") ? name.substring(0, name.length() - 4) : name;
    return jar.resolveSibling(base + ".jsa");
  }

  /** The options that start a JVM from {@code archive}, or none if there is no such file. */
  public static List<String> useOptions(Path archive) {
    if (!Files.isRegularFile(archive)) {
      return List.of();
    }
    return optionsFor(archive.toAbsolutePath().toString());
  }

  /**
   * The options that start a JVM from the archive at {@code archive}, whether or not it exists
   * (for a start script that checks it itself).
   */
  public static List<String> optionsFor(String archive) {
    return List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto", "-XX:+VerifySharedSpaces",
        "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
  }

  /**
   * The options that make a JVM write the classes it loaded to {@code unpublished} when it exits
   * (a file of its own: see {@link #publish}).
   */
  public static List<String> recordOptions(Path unpublished) {
    return List.of("-XX:ArchiveClassesAtExit=" + unpublished.toAbsolutePath(),
        "-XX:+VerifySharedSpaces", "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
  }

  /**
   * Moves the archive a recording JVM wrote (after it exited) to {@code archive} in one atomic
   * step; returns whether there was one to move.
   */
  public static boolean publish(Path unpublished, Path archive) throws IOException {
    if (!Files.isRegularFile(unpublished) || Files.size(unpublished) == 0) {
      Files.deleteIfExists(unpublished);
      return false;
    }
    Files.move(unpublished, archive, StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    return true;
  }
}
