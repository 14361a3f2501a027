package io.baton.samples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fat jar, run as a user runs it ({@code java -jar baton-samples-all.jar}) in a separate JVM:
 * it must start Pekko, which needs every module's {@code reference.conf} merged into one, and run
 * the supervision demo to its end.
 */
@Timeout(120)
class FatJarDemoIT {

  private static final Duration RUN_DEADLINE = Duration.ofSeconds(60);

  @TempDir Path scratch;

  /** Without arguments the jar runs the supervision demo, which tells the whole story and exits 0. */
  @Test
  void jarRunsTheSupervisionDemoByDefaultAndExitsZero() throws Exception {
    JarRun run = runJar();
    assertEquals(0, run.exitCode(), run::describe);
    DemoTranscript.assertFollowed(run.stdout());
    List<String> lines = run.stdout().lines().toList();
    assertTrue(lines.get(lines.size() - 1).startsWith("DEMO OK: "), run::describe);
    assertFalse(run.stderr().contains("Exception in thread"), run::describe);
    assertFalse(run.stderr().contains("ConfigException"), run::describe);
  }

  /** An unknown sample name is refused with the usage and exit status 2, before Pekko starts. */
  @Test
  void unknownSampleIsRefusedWithUsage() throws Exception {
    JarRun run = runJar("no-such-sample");
    assertEquals(2, run.exitCode(), run::describe);
    assertTrue(run.stderr().contains("usage: java -jar baton-samples-all.jar"), run::describe);
    assertTrue(run.stderr().contains("supervision-demo"), run::describe);
  }

  /**
   * The jar's single reference.conf holds Pekko's defaults and Baton's: the shade plugin appended
   * every module's file rather than keeping one of them. Signature files are gone.
   */
  @Test
  void jarMergesEveryModulesReferenceConf() throws IOException {
    try (JarFile jar = new JarFile(jar().toFile())) {
      String reference =
          new String(jar.getInputStream(jar.getEntry("reference.conf")).readAllBytes(), UTF_8);
      assertTrue(reference.contains("remote-exit-signal-grace"), "Baton's supervision defaults");
      assertTrue(reference.contains("guardian-supervisor-strategy"), "pekko-actor's defaults");
      assertTrue(reference.contains("restart-stash-capacity"), "pekko-actor-typed's defaults");
      assertTrue(reference.contains("downing-provider-class"), "pekko-cluster's defaults");
      assertEquals("true", jar.getManifest().getMainAttributes().getValue("Multi-Release"));
      assertEquals("io.baton.samples.Main",
          jar.getManifest().getMainAttributes().getValue("Main-Class"));
      assertNull(jar.stream().filter(e -> e.getName().matches("META-INF/[^/]+\\.(SF|DSA|RSA)"))
          .findAny().orElse(null));
    }
  }

  /**
   * The build recorded a class-sharing archive beside each fat jar (decision 0022), and a JVM of
   * that jar maps it: with {@code -Xshare:on} a JVM that cannot use its archive fails to start.
   */
  @Test
  void theBuildRecordedAClassSharingArchiveThatTheJarsJvmMaps() throws Exception {
    for (String property : List.of("baton.samples.jar", "baton.samples.v2.jar")) {
      Path jar = Path.of(System.getProperty(property, "unset: run through failsafe"));
      Path archive = io.baton.runtime.ClassSharing.archiveBeside(jar);
      assertTrue(Files.isRegularFile(archive), archive + " was not recorded by the build");
      JarRun run = run(jar, List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:on"),
          "no-such-sample");
      assertEquals(2, run.exitCode(), run::describe);
      assertTrue(run.stderr().contains("usage: java -jar"), run::describe);
    }
  }

  private record JarRun(List<String> command, int exitCode, String stdout, String stderr) {
    String describe() {
      return command + " exited " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }

  private JarRun runJar(String... args) throws IOException, InterruptedException {
    return run(jar(), List.of(), args);
  }

  private JarRun run(Path jar, List<String> jvmOptions, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    // Files, not pipes: a child that fills a pipe nobody reads would block.
    Path stdout = scratch.resolve("stdout.txt");
    Path stderr = scratch.resolve("stderr.txt");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    long pid = process.pid();
    try {
      if (!process.waitFor(RUN_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
        fail(command + " did not exit within " + RUN_DEADLINE + "\n--- stdout\n"
            + Files.readString(stdout) + "--- stderr\n" + Files.readString(stderr));
      }
      return new JarRun(command, process.exitValue(), Files.readString(stdout),
          Files.readString(stderr));
    } finally {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  private static Path jar() {
    String property = System.getProperty("baton.samples.jar");
    assertTrue(property != null, "system property baton.samples.jar is not set; run through"
        + " failsafe (mvn verify), which sets it to the jar the package phase built");
    Path jar = Path.of(property);
    assertTrue(Files.isRegularFile(jar), jar + " does not exist; run mvn verify, whose package"
        + " phase builds it");
    return jar;
  }
}
