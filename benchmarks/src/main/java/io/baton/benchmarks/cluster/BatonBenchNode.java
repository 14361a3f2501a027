package io.baton.benchmarks.cluster;

import com.typesafe.config.ConfigFactory;
import io.baton.client.HttpEntryPoint;
import io.baton.runtime.BatonNode;
import io.baton.runtime.NodeConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * A node of the {@code baton} target: a {@link BatonNode} with Baton's default settings (its
 * {@code reference.conf}: failure detector, Split Brain Resolver, process-death detector, ring
 * allocation, replicated journal, all as shipped), {@link BatonCounter} registered and exposed to
 * clients over HTTP by the node's {@link HttpEntryPoint} on {@code --http-port}. The only keys set
 * are the ones a deployment must set: who the node is ({@link NodeConfig#fromArguments}'s flags),
 * the HTTP entry point turned on, and quieter logging.
 *
 * <p>Flags: those of {@link NodeConfig#fromArguments}, {@code --http-port=<port>}, and {@value
 * NodeReports#EXIT_WITH_PARENT}. Reports: see {@link NodeReports}.
 */
public final class BatonBenchNode {

  private BatonBenchNode() {}

  public static void main(String[] args) {
    List<String> nodeFlags = new ArrayList<>();
    int httpPort = 0;
    for (String arg : args) {
      if (arg.startsWith("--http-port=")) {
        httpPort = Integer.parseInt(arg.substring("--http-port=".length()));
      } else if (arg.equals(NodeReports.EXIT_WITH_PARENT)) {
        NodeReports.exitWithParent();
      } else {
        nodeFlags.add(arg);
      }
    }
    NodeConfig config = NodeConfig.fromArguments(nodeFlags);
    BatonNode node = BatonNode.start(config, ConfigFactory.parseString("""
        pekko.loglevel = "WARNING"
        pekko.log-dead-letters = off
        pekko.log-dead-letters-during-shutdown = off
        baton.client.http.enabled = on
        baton.client.http.host = "%s"
        baton.client.http.port = %d
        """.formatted(config.host(), httpPort)));
    String name = config.name();
    node.register(BatonCounter.KEY, ctx -> BatonCounter.create(ctx.getEntityId(), name));
    node.exposeOverHttp(BatonCounter.KEY, CounterOp.class, BatonCounter.Execute::new);
    NodeReports.watch(node.system());
    HttpEntryPoint.get(node.system()).address().whenComplete((address, failure) -> {
      if (failure != null || address.isEmpty()) {
        NodeReports.report("HTTP-FAILED " + failure);
        Runtime.getRuntime().halt(1);
      }
      NodeReports.report("HTTP " + address.get().getPort());
    });
  }
}
