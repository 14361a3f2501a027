package io.baton.journal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import java.util.List;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import scala.jdk.javaapi.CollectionConverters;

/** An actor system whose journal and snapshot store are Baton's, on a given directory. */
final class PluginFixture implements AutoCloseable {

  final ActorTestKit kit;
  final ActorSystem classic;

  private PluginFixture(ActorTestKit kit) {
    this.kit = kit;
    this.classic = Adapter.toClassic(kit.system());
  }

  /**
   * Only the plugin ids and the journal's directory are set, as an application would; the
   * snapshot store follows the journal's directory through reference.conf.
   */
  static Config config(Path dir, String extra) {
    Config app = ConfigFactory.parseString("""
        pekko.persistence.journal.plugin = "baton.journal"
        pekko.persistence.snapshot-store.plugin = "baton.snapshot-store"
        pekko.persistence.publish-plugin-commands = on
        pekko.actor.serializers.persistence-tck-test = "io.baton.journal.TestSerializer"
        pekko.actor.serialization-bindings { "io.baton.journal.TestPayload" = persistence-tck-test }
        pekko.loglevel = WARNING
        """ + extra)
        .withValue("baton.journal.dir", ConfigValueFactory.fromAnyRef(dir.toString()));
    return ConfigFactory.load(app);
  }

  static PluginFixture start(String name, Path dir) {
    return start(name, dir, "");
  }

  static PluginFixture start(String name, Path dir, String extra) {
    return new PluginFixture(ActorTestKit.create(name, config(dir, extra)));
  }

  TestProbe<Object> probe() {
    return kit.createTestProbe();
  }

  static ActorRef classic(TestProbe<Object> probe) {
    return Adapter.toClassic(probe.ref());
  }

  @SuppressWarnings("unchecked")
  static <T> scala.collection.immutable.Seq<T> seq(List<? extends T> items) {
    return (scala.collection.immutable.Seq<T>) CollectionConverters.asScala(items).toList();
  }

  @Override
  public void close() {
    kit.shutdownTestKit();
  }
}
