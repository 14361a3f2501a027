package io.baton.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The options of {@link ClassSharing}: none without an archive; a recording is published whole. */
class ClassSharingTest {

  @TempDir Path dir;

  @Test
  void anArchiveIsKeptBesideItsJar() {
    assertEquals(dir.resolve("app.jsa"), ClassSharing.archiveBeside(dir.resolve("app.jar")));
  }

  @Test
  void aMissingArchiveGivesNoOption() {
    assertEquals(List.of(), ClassSharing.useOptions(dir.resolve("none.jsa")));
  }

  @Test
  void anExistingArchiveIsUsedWithTheJvmFallingBackOnItsOwn() throws Exception {
    Path archive = Files.writeString(dir.resolve("app.jsa"), "x");
    List<String> options = ClassSharing.useOptions(archive);
    assertTrue(options.contains("-XX:SharedArchiveFile=" + archive.toAbsolutePath()), options::toString);
    assertTrue(options.contains("-Xshare:auto"), options::toString);
  }

  @Test
  void aRecordingIsPublishedInOneMoveAndAnEmptyOneNever() throws Exception {
    Path recording = Files.writeString(dir.resolve("app.jsa.recording"), "classes");
    Path archive = dir.resolve("app.jsa");
    assertTrue(ClassSharing.publish(recording, archive));
    assertEquals("classes", Files.readString(archive));
    assertFalse(Files.exists(recording));

    Path empty = Files.createFile(dir.resolve("other.jsa.recording"));
    assertFalse(ClassSharing.publish(empty, dir.resolve("other.jsa")));
    assertFalse(Files.exists(dir.resolve("other.jsa")));
    assertFalse(Files.exists(empty));
  }

  /**
   * A damaged archive (one flipped byte) is detected by its checksum: a JVM that must use it
   * ({@code -Xshare:on} after the options) refuses to start, while the intact one starts.
   */
  @Test
  void aDamagedArchiveIsDetectedNotMapped() throws Exception {
    Path recording = dir.resolve("jdk.jsa.recording");
    Path archive = dir.resolve("jdk.jsa");
    assertEquals(0, java(ClassSharing.recordOptions(recording)));
    assertTrue(ClassSharing.publish(recording, archive), "no archive was recorded");
    List<String> mustMap = new java.util.ArrayList<>(ClassSharing.useOptions(archive));
    mustMap.add("-Xshare:on");
    assertEquals(0, java(mustMap), "the intact archive should map");

    Path damaged = dir.resolve("damaged.jsa");
    byte[] bytes = Files.readAllBytes(archive);
    bytes[bytes.length / 2] ^= 0x55;
    Files.write(damaged, bytes);
    List<String> damagedMustMap = new java.util.ArrayList<>(ClassSharing.useOptions(damaged));
    damagedMustMap.add("-Xshare:on");
    assertTrue(java(damagedMustMap) != 0, "a damaged archive was mapped");
  }

  /** Runs {@code java <options> -version} and returns its exit status. */
  private static int java(List<String> options) throws Exception {
    List<String> command = new java.util.ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(options);
    command.add("-version");
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      assertTrue(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "java -version hung");
      return process.exitValue();
    } finally {
      process.destroyForcibly();
    }
  }
}
