package io.baton.benchmarks.cluster;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * A node of the stock Pekko targets: Pekko Cluster Sharding with {@link StockCounter} on a
 * pekko-persistence-jdbc journal shared by every node (one PostgreSQL), and a tiny Pekko HTTP
 * endpoint: {@code POST /counters/{id}} increments, {@code GET /counters/{id}} reads, both answer
 * {@code {"count":n,"node":"<name>"}} (200), or 503 when the entity did not answer within {@link
 * #ASK_TIMEOUT}; and the same counter on the entity contract of Baton's {@code HttpEntryPoint},
 * which the benchmark's open-loop load speaks to every target: {@code POST
 * /entities/bench-counter/{id}} with the JSON {@code "INCREMENT"} or {@code "GET"}, answered {@code
 * {"reply":"applied","result":{"count":n,"node":"<name>"}}} (200) or 503. Its {@code
 * Idempotency-Key} is ignored: stock Pekko has none, so a retry of an increment applied late is
 * applied again.
 *
 * <p><b>What is set</b> ({@code --profile=default}): only what a stock application must set to
 * run at all: the cluster provider, its address and seed node, the journal plugin and its
 * database, Jackson CBOR for the counter's messages, and the Split Brain Resolver as downing
 * provider (without one Pekko never removes an unreachable node and its shards never move) with
 * its default settings (keep-majority, stable-after 20 s, down-removal-margin unset, so equal to
 * stable-after). Failure detector, gossip, sharding (allocation strategy, retry intervals,
 * remember-entities off) all keep Pekko's defaults. {@code --profile=tuned} adds what a Pekko user
 * tunes for a LAN: the failure detector (heartbeat 500 ms, acceptable pause 2 s, reaper 250 ms)
 * and stable-after 2 s (so the removal margin is 2 s too).
 *
 * <p>Flags: {@code --name=}, {@code --port=} (Artery), {@code --http-port=}, {@code --seed=}
 * (a node address), {@code --jdbc-url=}, {@code --jdbc-user=}, {@code --profile=default|tuned},
 * {@value NodeReports#EXIT_WITH_PARENT}. Reports: see {@link NodeReports}.
 */
public final class StockBenchNode {

  /** How long the HTTP endpoint waits for the entity before it answers 503. */
  static final Duration ASK_TIMEOUT = Duration.ofSeconds(2);

  private static final String HOST = "127.0.0.1";
  /** The entity type name on the entity contract, as Baton's target exposes its counter. */
  static final String BENCH_COUNTER_TYPE = "bench-counter";

  private StockBenchNode() {}

  public static void main(String[] args) {
    Map<String, String> flags = new HashMap<>();
    for (String arg : args) {
      if (arg.equals(NodeReports.EXIT_WITH_PARENT)) {
        NodeReports.exitWithParent();
        continue;
      }
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("argument '" + arg + "' is not --key=value");
      }
      flags.put(arg.substring(2, eq), arg.substring(eq + 1));
    }
    String name = required(flags, "name");
    String profile = flags.getOrDefault("profile", "default");
    Config config = config(name, Integer.parseInt(required(flags, "port")),
        required(flags, "seed"), required(flags, "jdbc-url"), flags.getOrDefault("jdbc-user",
            "postgres"), profile);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "bench", config);
    ClusterSharding.get(system).init(Entity.of(StockCounter.KEY,
        ctx -> StockCounter.create(ctx.getEntityId(), name)));
    NodeReports.watch(system);
    Http.get(system).newServerAt(HOST, Integer.parseInt(required(flags, "http-port")))
        .bind(route(system))
        .whenComplete((binding, failure) -> {
          if (failure != null) {
            NodeReports.report("HTTP-FAILED " + failure);
            Runtime.getRuntime().halt(1);
          }
          NodeReports.report("HTTP " + binding.localAddress().getPort());
        });
  }

  /** The node's whole configuration: the keys listed in the class comment over Pekko's defaults. */
  static Config config(String name, int port, String seed, String jdbcUrl, String jdbcUser,
      String profile) {
    Config tuned = switch (profile) {
      case "default" -> ConfigFactory.empty();
      case "tuned" -> ConfigFactory.parseString("""
          pekko.cluster.failure-detector.heartbeat-interval = 500ms
          pekko.cluster.failure-detector.acceptable-heartbeat-pause = 2s
          pekko.cluster.unreachable-nodes-reaper-interval = 250ms
          pekko.cluster.split-brain-resolver.stable-after = 2s
          """);
      default -> throw new IllegalArgumentException(
          "--profile=" + profile + " is not known: use default or tuned");
    };
    Config stock = ConfigFactory.parseString("""
        pekko {
          loggers = ["org.apache.pekko.event.slf4j.Slf4jLogger"]
          logging-filter = "org.apache.pekko.event.slf4j.Slf4jLoggingFilter"
          loglevel = WARNING
          log-dead-letters = off
          actor.provider = cluster
          actor.serialization-bindings {
            "io.baton.benchmarks.cluster.StockCounter$Message" = jackson-cbor
          }
          remote.artery.canonical.hostname = "127.0.0.1"
          cluster.downing-provider-class = "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider"
          persistence.journal.plugin = "jdbc-journal"
          persistence.snapshot-store.plugin = "jdbc-snapshot-store"
        }
        jdbc-journal.use-shared-db = "slick"
        jdbc-snapshot-store.use-shared-db = "slick"
        pekko-persistence-jdbc.shared-databases.slick {
          profile = "slick.jdbc.PostgresProfile$"
          db.driver = "org.postgresql.Driver"
          db.password = ""
        }
        """)
        .withValue("pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(port))
        .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(List.of(seed)))
        .withValue("pekko-persistence-jdbc.shared-databases.slick.db.url",
            ConfigValueFactory.fromAnyRef(jdbcUrl))
        .withValue("pekko-persistence-jdbc.shared-databases.slick.db.user",
            ConfigValueFactory.fromAnyRef(jdbcUser));
    return ConfigFactory.load(tuned.withFallback(stock));
  }

  private static Route route(ActorSystem<Void> system) {
    ClusterSharding sharding = ClusterSharding.get(system);
    return concat(
        pathPrefix("counters", () -> path(PathMatchers.segment(), id -> concat(
            post(() -> completeWithFuture(ask(system, sharding, id, StockCounter.Increment::new,
                false))),
            get(() -> completeWithFuture(ask(system, sharding, id, StockCounter.Get::new,
                false)))))),
        // The entity contract of Baton's HttpEntryPoint, which the open-loop load speaks: POST
        // /entities/bench-counter/{id} with "INCREMENT" or "GET" as JSON. The Idempotency-Key
        // header is ignored: stock Pekko has no idempotency.
        pathPrefix("entities", () -> pathPrefix(BENCH_COUNTER_TYPE, () ->
            path(PathMatchers.segment(), id -> post(() ->
                entity(Unmarshaller.entityToString(), body -> {
                  String op = body.strip();
                  if (op.equals("\"INCREMENT\"")) {
                    return completeWithFuture(ask(system, sharding, id,
                        StockCounter.Increment::new, true));
                  }
                  if (op.equals("\"GET\"")) {
                    return completeWithFuture(ask(system, sharding, id, StockCounter.Get::new,
                        true));
                  }
                  return complete(StatusCodes.BAD_REQUEST, "the body must be \"INCREMENT\" or"
                      + " \"GET\" (JSON), not " + op + "\n");
                }))))));
  }

  /**
   * Asks counter {@code id}; answers {@code {"count":n,"node":..}}, or with {@code asReply} the
   * shape of Baton's entry point, {@code {"reply":"applied","result":{"count":n,"node":..}}}; 503
   * when the counter did not answer within {@link #ASK_TIMEOUT}.
   */
  private static CompletionStage<HttpResponse> ask(ActorSystem<Void> system,
      ClusterSharding sharding, String id,
      Function<ActorRef<StockCounter.Value>, StockCounter.Command> command, boolean asReply) {
    return sharding.entityRefFor(StockCounter.KEY, id)
        .ask(command::apply, ASK_TIMEOUT)
        .handle((value, failure) -> failure != null
            ? HttpResponse.create().withStatus(StatusCodes.SERVICE_UNAVAILABLE)
                .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8,
                    "counter " + id + " did not answer: " + failure + "\n"))
            : HttpResponse.create().withEntity(HttpEntities.create(
                ContentTypes.APPLICATION_JSON, asReply
                    ? "{\"reply\":\"applied\",\"result\":{\"count\":" + value.count()
                        + ",\"node\":\"" + value.node() + "\"}}"
                    : "{\"count\":" + value.count() + ",\"node\":\"" + value.node() + "\"}")));
  }

  private static String required(Map<String, String> flags, String key) {
    String value = flags.get(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("--" + key + "=... is required");
    }
    return value;
  }
}
