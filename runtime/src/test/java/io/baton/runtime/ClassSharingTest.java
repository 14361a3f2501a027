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
}
