package io.baton.runtime;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import java.util.UUID;

/**
 * The identity of the cluster a data directory belongs to, recorded in it when a node first uses
 * it ({@code cluster-identity.properties}: the cluster's name and an id made then), and checked
 * at every later start: a node refuses to serve a directory of another cluster, whose events and
 * epochs would otherwise be mixed into this cluster's as if they were its own.
 *
 * @param clusterName the cluster's name ({@code baton.node.cluster-name})
 * @param clusterId the id made when the directory was first used
 */
public record ClusterIdentity(String clusterName, String clusterId) {

  /** The file, in the node's data directory. */
  public static final String FILE = "cluster-identity.properties";

  /**
   * The identity recorded in {@code dataDir}, recorded now (with a new id) if there is none.
   *
   * @throws IllegalStateException if the directory belongs to a cluster of another name, or
   *     cannot be read or written; the message names the directory and what to do
   */
  public static ClusterIdentity recordOrCheck(Path dataDir, String clusterName) {
    Path file = dataDir.resolve(FILE);
    try {
      Files.createDirectories(dataDir);
      if (Files.exists(file)) {
        Properties stored = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
          stored.load(in);
        }
        ClusterIdentity found = new ClusterIdentity(stored.getProperty("cluster-name", ""),
            stored.getProperty("cluster-id", ""));
        if (!found.clusterName().equals(clusterName)) {
          throw new IllegalStateException("the data directory " + dataDir.toAbsolutePath()
              + " belongs to cluster '" + found.clusterName() + "' (id " + found.clusterId()
              + ", " + file.getFileName() + "), not to '" + clusterName + "': its events are"
              + " not this cluster's. Give this node its own --data-dir, or start it with"
              + " --cluster-name=" + found.clusterName());
        }
        return found;
      }
      ClusterIdentity made = new ClusterIdentity(clusterName, UUID.randomUUID().toString());
      Properties props = new Properties();
      props.setProperty("cluster-name", made.clusterName());
      props.setProperty("cluster-id", made.clusterId());
      Path tmp = dataDir.resolve(FILE + ".tmp");
      try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        props.store(out, "Written by Baton when this data directory was first used; do not"
            + " edit");
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      return made;
    } catch (IOException e) {
      throw new IllegalStateException("cannot use the data directory " + dataDir.toAbsolutePath()
          + " (" + e + "): it must be a writable directory; check --data-dir"
          + " (baton.node.data-dir) and its permissions", e);
    }
  }
}
