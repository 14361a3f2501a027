package io.baton.cluster.testkit;

import io.baton.runtime.ClassSharing;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * The class path and class-data-sharing options of every node JVM that {@link LocalCluster}
 * starts in one test JVM (see {@link ClassSharing}: a node starts in about half the time, which
 * is most of what a multi-process test waits for on 2 cores).
 *
 * <p>The JDK archives classes only from jars, so the test class path's directories (test-classes,
 * classes) are copied into one jar, first, in their order; the dependency jars follow unchanged.
 * One node of {@code TestNodeMain} then starts with that class path, becomes Up alone, exits, and
 * leaves the archive. Prepared once per test JVM, on first use; if anything fails, the nodes start
 * from the test class path as before, without an archive (and the reason goes to standard error).
 */
final class SharedTestClasses {

  private static final Path DIRECTORY =
      Path.of("target", "local-cluster", "class-sharing").toAbsolutePath();

  private static String classPath;
  private static List<String> options = List.of();

  private SharedTestClasses() {}

  /** The class path for node JVMs. */
  static synchronized String classPath() {
    prepare();
    return classPath;
  }

  /** The JVM options that start a node from the archive (none if there is none). */
  static synchronized List<String> options() {
    prepare();
    return options;
  }

  private static void prepare() {
    if (classPath != null) {
      return;
    }
    String testClassPath = testClassPath();
    classPath = testClassPath;
    if (Boolean.getBoolean("baton.testkit.no-class-sharing")) {
      return;
    }
    try {
      Files.createDirectories(DIRECTORY);
      long pid = ProcessHandle.current().pid();
      removeLeftovers();
      Path classesJar = DIRECTORY.resolve("classes-" + pid + ".jar");
      String jarred = jarDirectories(testClassPath, classesJar);
      Path archive = DIRECTORY.resolve("nodes-" + pid + ".jsa");
      Path unpublished = DIRECTORY.resolve("nodes-" + pid + ".jsa.recording");
      record(jarred, unpublished);
      if (ClassSharing.publish(unpublished, archive)) {
        classPath = jarred;
        options = ClassSharing.useOptions(archive);
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("LocalCluster: nodes start without a class-sharing archive: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Deletes the jars and archives of earlier test JVMs that have ended (about 55 MB each). */
  private static void removeLeftovers() throws IOException {
    try (Stream<Path> files = Files.list(DIRECTORY)) {
      for (Path file : files.toList()) {
        java.util.regex.Matcher owner = java.util.regex.Pattern
            .compile("(?:classes|nodes)-(\\d+)\\..*").matcher(file.getFileName().toString());
        boolean ownerAlive = owner.matches() && ProcessHandle.of(Long.parseLong(owner.group(1)))
            .map(ProcessHandle::isAlive).orElse(false);
        if (owner.matches() && !ownerAlive) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  /**
   * The test class path, its directories replaced by one jar of their files (the first of a name
   * wins, as on the class path).
   */
  private static String jarDirectories(String testClassPath, Path jar) throws IOException {
    List<String> entries = new ArrayList<>();
    List<Path> directories = new ArrayList<>();
    for (String entry : testClassPath.split(File.pathSeparator)) {
      if (entry.isEmpty()) {
        continue;
      }
      if (Files.isDirectory(Path.of(entry))) {
        directories.add(Path.of(entry));
      } else {
        entries.add(entry);
      }
    }
    Set<String> written = new HashSet<>();
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      for (Path directory : directories) {
        try (Stream<Path> files = Files.walk(directory)) {
          for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
            String name = directory.relativize(file).toString().replace(File.separatorChar, '/');
            if (written.add(name)) {
              out.putNextEntry(new JarEntry(name));
              Files.copy(file, out);
              out.closeEntry();
            }
          }
        }
      }
    }
    entries.add(0, jar.toString());
    return String.join(File.pathSeparator, entries);
  }

  /** Runs one node that records the classes it loads, until it is Up, then lets it exit. */
  private static void record(String classPath, Path unpublished)
      throws IOException, InterruptedException {
    Path data = Files.createTempDirectory(DIRECTORY, "recording-node");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
        "-Dbaton.node.tls.dev-ca-dir=" + data.resolve("dev-ca")));
    command.addAll(ClassSharing.recordOptions(unpublished));
    command.addAll(List.of("-cp", classPath, TestNodeMain.class.getName(),
        "--cluster-name=class-sharing", "--name=node1", "--host=127.0.0.1", "--port=" + port,
        "--seed=pekko://class-sharing@127.0.0.1:" + port, "--data-dir=" + data.resolve("node1")));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    // A node that never becomes Up is killed, which ends its output and the wait below.
    java.util.concurrent.CompletableFuture.delayedExecutor(90, TimeUnit.SECONDS)
        .execute(process::destroyForcibly);
    try {
      boolean up = false;
      try (BufferedReader lines = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          if (line.startsWith(ClusterEventReporter.SELF_UP)) {
            up = true;
            OutputStream in = process.getOutputStream();
            in.write("exit\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            break;
          }
        }
        if (up) {
          lines.transferTo(java.io.Writer.nullWriter());
        }
      }
      if (!process.waitFor(60, TimeUnit.SECONDS) || !up) {
        throw new IOException("the recording node did not become Up and exit (status "
            + (process.isAlive() ? "running" : process.exitValue()) + ")");
      }
    } finally {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
      deleteTree(data);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  /**
   * The test class path. Surefire publishes it as {@code surefire.test.class.path}; outside
   * Surefire (an IDE) {@code java.class.path} is the one to use.
   */
  static String testClassPath() {
    String path = System.getProperty("surefire.test.class.path");
    if (path == null || path.isBlank()) {
      path = System.getProperty("java.class.path");
    }
    return path;
  }
}
