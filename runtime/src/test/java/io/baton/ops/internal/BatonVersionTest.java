package io.baton.ops.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Baton version a node reports ({@code /status} {@code node.version}, {@code baton_node_info})
 * is Baton's own, from its build, even inside an application's fat jar whose manifest names the
 * application's version.
 */
class BatonVersionTest {

  @TempDir Path dir;

  /**
   * Property: in a jar whose manifest says {@code Implementation-Version: 7.7.7-app} (a user's fat
   * jar), the reported Baton version is still the one Baton's build wrote.
   */
  @Test
  void aFatJarsManifestVersionIsTheAppsNotBatons() throws Exception {
    Path classes = Path.of(NodeObservation.class.getProtectionDomain().getCodeSource()
        .getLocation().toURI());
    String built = builtVersion(classes);
    Path jar = dir.resolve("app-all.jar");
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, "7.7.7-app");
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest);
        Stream<Path> files = Files.walk(classes.resolve("io/baton/ops"))) {
      for (Path path : files.filter(Files::isRegularFile).toList()) {
        String name = classes.relativize(path).toString().replace('\\', '/');
        boolean observation = name.startsWith("io/baton/ops/internal/NodeObservation");
        if (observation || name.equals("io/baton/ops/version.properties")) {
          out.putNextEntry(new JarEntry(name));
          Files.copy(path, out);
          out.closeEntry();
        }
      }
    }
    try (ChildFirst loader = new ChildFirst(jar.toUri().toURL())) {
      Class<?> observation = loader.loadClass(NodeObservation.class.getName());
      assertEquals(loader, observation.getClassLoader(), "loaded from the fat jar");
      assertEquals("7.7.7-app", observation.getPackage().getImplementationVersion());
      assertEquals(built, observation.getMethod("version").invoke(null));
    }
    assertNotEquals("7.7.7-app", NodeObservation.version());
  }

  /** Without the build's properties, or with them unfiltered, the version is "unknown". */
  @Test
  void aMissingOrUnfilteredVersionIsUnknown() throws Exception {
    assertEquals("unknown", NodeObservation.batonVersion(null));
    assertEquals("unknown", NodeObservation.batonVersion(new ByteArrayInputStream(
        "version=${project.version}\n".getBytes(StandardCharsets.ISO_8859_1))));
    assertEquals("1.2.3", NodeObservation.batonVersion(new ByteArrayInputStream(
        "version=1.2.3\n".getBytes(StandardCharsets.ISO_8859_1))));
  }

  private static String builtVersion(Path classes) throws Exception {
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(classes.resolve("io/baton/ops/version.properties"))) {
      properties.load(in);
    }
    return properties.getProperty("version");
  }

  /** Loads NodeObservation (and its nested classes) from the jar, everything else as usual. */
  private static final class ChildFirst extends URLClassLoader {
    ChildFirst(URL jar) {
      super(new URL[] {jar}, BatonVersionTest.class.getClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      synchronized (getClassLoadingLock(name)) {
        if (name.startsWith(NodeObservation.class.getName())) {
          Class<?> loaded = findLoadedClass(name);
          return loaded != null ? loaded : findClass(name);
        }
        return super.loadClass(name, resolve);
      }
    }
  }
}
