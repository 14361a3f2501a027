package io.baton.samples.bank;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;

/**
 * The configuration of one bank node of an in-JVM test cluster: cluster provider on a free
 * loopback port, Baton's journal and snapshot store under {@code dir} (no fsync: the test kills no
 * process), quiet logs. {@code extra} comes first, so a test may add or override keys.
 */
final class InJvmNodeConfig {

  private InJvmNodeConfig() {}

  static Config of(Path dir, String extra) {
    return ConfigFactory.parseString(extra + "\n" + """
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical.hostname = "127.0.0.1"
        pekko.remote.artery.canonical.port = 0
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
        pekko.persistence.journal.plugin = "baton.journal"
        pekko.persistence.snapshot-store.plugin = "baton.snapshot-store"
        baton.journal.dir = "%s"
        baton.journal.fsync = off
        pekko.loglevel = WARNING
        pekko.log-dead-letters = off
        """.formatted(dir.toString().replace("\\", "/")))
        .withFallback(ConfigFactory.load());
  }
}
