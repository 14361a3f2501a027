package io.baton.samples.bank.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleaseJarsTest {

  @TempDir Path dir;

  @Test
  void findsTheOtherReleaseNextToTheRunningJarOnlyIfItExists() throws Exception {
    Path v1 = Files.createFile(dir.resolve(ReleaseJars.RELEASE_1));
    assertEquals(Optional.empty(), ReleaseJars.sibling(v1, 2));
    Path v2 = Files.createFile(dir.resolve(ReleaseJars.RELEASE_2));
    assertEquals(Optional.of(v2), ReleaseJars.sibling(v1, 2));
    assertEquals(Optional.of(v1), ReleaseJars.sibling(v2, 1));
    assertThrows(IllegalArgumentException.class, () -> ReleaseJars.sibling(v1, 3));
  }

  @Test
  void theRunningJarIsKnownOnlyWhenTheClassPathIsOneJar() {
    assertEquals(Optional.of(Path.of("a/b.jar")), ReleaseJars.running("a/b.jar"));
    assertEquals(Optional.empty(), ReleaseJars.running("a/classes"));
    assertEquals(Optional.empty(), ReleaseJars.running("a.jar" + File.pathSeparator + "b.jar"));
    assertEquals(Optional.empty(), ReleaseJars.running(null));
  }
}
