package io.baton.ops;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.path;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.baton.ops.internal.NodeObservation;
import io.baton.ops.internal.OperatorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator endpoint of one node: an HTTP server serving
 *
 * <ul>
 *   <li>{@code GET /status}: {@link NodeStatus} as JSON (this node, the members, the ring,
 *       replication and the journal store);
 *   <li>{@code GET /metrics}: Micrometer's meters in the Prometheus text format;
 *   <li>{@code GET /health}: 200 when the node is Up in its cluster or runs alone, 503 otherwise,
 *       with a one-line reason.
 * </ul>
 *
 * <h2>Lifecycle</h2>
 * One per actor system, a Pekko extension: {@link #get} creates it, and Baton's {@code
 * reference.conf} lists it in {@code pekko.library-extensions}, so every node creates it at start.
 * When {@code baton.ops.enabled} is off it does nothing else. When on, it binds the meters, starts
 * the server on {@code baton.ops.host}:{@code baton.ops.port} (port 0: the operating system picks,
 * see {@link #address}) and unbinds it in the first phase of coordinated shutdown, so that a node
 * going down stops answering health checks before it stops serving anything else. Every request
 * reads the node's state afresh (see {@link NodeObservation}); the endpoint keeps none.
 */
public final class OperatorEndpoint implements Extension {

  private static final Logger LOG = LoggerFactory.getLogger(OperatorEndpoint.class);

  /**
   * The extension id; named in {@code pekko.library-extensions}. Pekko instantiates the named
   * class, and extensions are keyed by id: {@link #lookup} hands Pekko the one id {@link #get}
   * uses, so the loaded and the looked-up endpoint are the same.
   */
  public static final class Id extends AbstractExtensionId<OperatorEndpoint>
      implements ExtensionIdProvider {
    @Override
    public Id lookup() {
      return ID;
    }

    @Override
    public OperatorEndpoint createExtension(ExtendedActorSystem system) {
      return new OperatorEndpoint(Adapter.toTyped(system));
    }
  }

  private static final Id ID = new Id();

  /** The endpoint of {@code system}, created (and started, if enabled) on first use. */
  public static OperatorEndpoint get(ActorSystem<?> system) {
    return ID.get(Adapter.toClassic(system));
  }

  private final OpsSettings settings;
  private final PrometheusMeterRegistry registry;
  private final CompletionStage<ServerBinding> binding;

  private OperatorEndpoint(ActorSystem<Void> system) {
    this.settings = OpsSettings.fromConfig(system.settings().config());
    if (!settings.enabled()) {
      this.registry = null;
      this.binding = null;
      return;
    }
    NodeObservation observation = new NodeObservation(Adapter.toClassic(system));
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    OperatorMetrics metrics =
        OperatorMetrics.bind(system, observation, registry, settings.maxSupervisorTags());
    ObjectMapper json = new ObjectMapper()
        .findAndRegisterModules()
        .enable(SerializationFeature.INDENT_OUTPUT);
    this.binding = Http.get(system)
        .newServerAt(settings.host(), settings.port())
        .bind(routes(observation, registry, json));
    binding.whenComplete((bound, failure) -> {
      if (failure != null) {
        LOG.error("Operator endpoint could not listen on {}:{} ({}): /status, /metrics and /health"
            + " are not served; free the port or set baton.ops.port", settings.host(),
            settings.port(), failure.toString(), failure);
      } else {
        LOG.info("Operator endpoint serves /status, /metrics and /health on http://{}:{}",
            bound.localAddress().getHostString(), bound.localAddress().getPort());
      }
    });
    CoordinatedShutdown.get(system).addTask(
        CoordinatedShutdown.PhaseBeforeServiceUnbind(), "baton-ops-unbind",
        () -> binding
            .thenCompose(ServerBinding::unbind)
            .handle((done, failure) -> {
              metrics.close();
              registry.close();
              return org.apache.pekko.Done.getInstance();
            }));
  }

  static Route routes(NodeObservation observation, PrometheusMeterRegistry registry,
      ObjectMapper json) {
    return Directives.get(() -> concat(
        path("status", () -> complete(HttpEntities.create(ContentTypes.APPLICATION_JSON,
            toJson(json, observation.status())))),
        path("metrics", () -> complete(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8,
            registry.scrape()))),
        path("health", () -> {
          NodeObservation.Health health = observation.health();
          return complete(
              health.healthy() ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE,
              health.reason() + "\n");
        })));
  }

  private static String toJson(ObjectMapper json, Object value) {
    try {
      return json.writeValueAsString(value) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getName()
          + " as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** The settings this endpoint was started with. */
  public OpsSettings settings() {
    return settings;
  }

  /**
   * The address the endpoint listens on, once bound; an empty result when {@code
   * baton.ops.enabled} is off; failed if the port could not be bound.
   */
  public CompletionStage<Optional<InetSocketAddress>> address() {
    if (binding == null) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return binding.thenApply(bound -> Optional.of(bound.localAddress()));
  }

  /**
   * The registry behind {@code /metrics}, to which applications may add meters of their own;
   * empty when the endpoint is off.
   */
  public Optional<PrometheusMeterRegistry> registry() {
    return Optional.ofNullable(registry);
  }
}
