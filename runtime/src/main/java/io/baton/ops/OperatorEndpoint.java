package io.baton.ops;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.baton.ops.internal.ClusterOperations;
import io.baton.ops.internal.NodeObservation;
import io.baton.ops.internal.NodeReports;
import io.baton.ops.internal.OperatorMetrics;
import io.baton.security.AccessGuard;
import io.baton.security.EndpointAccess;
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
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator endpoint of one node: an HTTP server serving
 *
 * <ul>
 *   <li>{@code GET /status}: {@link NodeStatus} as JSON (this node, the members, the ring, every
 *       node's shards, entities, drain, replication lag and versions, the progress of drains and
 *       catch-up, this node's replication and journal store);
 *   <li>{@code GET /metrics}: Micrometer's meters in the Prometheus text format;
 *   <li>{@code GET /health}: 200 when the node is Up in its cluster or runs alone, 503 otherwise,
 *       with a one-line reason;
 *   <li>{@code POST /drain/{node}}, {@code POST /undrain/{node}}: drains a member, or ends its
 *       drain (docs/decisions/0011-drain.md); the node is its address (URL-encoded), {@code
 *       host:port} or its name. 202 with the {@link DrainView} after the change; 404 with the
 *       list of members when no member matches; 400 when the argument is not a node; 409 on a
 *       node without a cluster;
 *   <li>{@code GET /drain}: the {@link DrainView}, every drained node with its progress;
 *   <li>{@code GET /upgrade}: the version gate ({@link io.baton.upgrade.GateStatus}, also the
 *       {@code upgrade} field of {@code /status});
 *   <li>{@code POST /upgrade/hold}, {@code POST /upgrade/release}: holds the version gate
 *       cluster-wide (no active schema version advances) or releases it ({@link
 *       io.baton.upgrade.UpgradeGate}); 202 with the requested hold, whether every reachable
 *       member confirmed it, and the gate.
 * </ul>
 *
 * <p>The cluster-wide parts come from the other nodes' endpoints: each node runs a reporter that
 * the others ask (waiting at most {@code baton.ops.report-timeout}); a node that does not answer
 * is shown as {@code answered: false}.
 *
 * <h2>Who may ask</h2>
 * Every request passes {@link EndpointAccess#operatorEndpoint} first ({@code baton.ops.auth};
 * docs/security.md): {@code /health} is open, other reads need a token once a token file is
 * configured, and the POSTs need a full-rights token, a {@code Host} naming the endpoint and no
 * foreign {@code Origin}; refusals are 401/403 with a JSON error.
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
  private final NodeReports reports;

  private OperatorEndpoint(ActorSystem<Void> system) {
    this.settings = OpsSettings.fromConfig(system.settings().config());
    if (!settings.enabled()) {
      this.registry = null;
      this.binding = null;
      this.reports = null;
      return;
    }
    NodeObservation observation = new NodeObservation(Adapter.toClassic(system));
    this.reports = NodeReports.start(system, observation, settings.reportTimeout());
    ClusterOperations operations =
        new ClusterOperations(system, observation, reports, settings.reportTimeout());
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    OperatorMetrics metrics =
        OperatorMetrics.bind(system, observation, registry, settings.maxSupervisorTags());
    ObjectMapper json = new ObjectMapper()
        .findAndRegisterModules()
        .enable(SerializationFeature.INDENT_OUTPUT);
    this.binding = Http.get(system)
        .newServerAt(settings.host(), settings.port())
        .bind(AccessGuard.protect(EndpointAccess.operatorEndpoint(system.settings().config()),
            OperatorEndpoint::access, io.baton.security.AccessGuard.withJsonRejections(
                () -> routes(observation, operations, metrics, registry, json))));
    binding.whenComplete((bound, failure) -> {
      if (failure != null) {
        LOG.error("Operator endpoint could not listen on {}:{} ({}): /status, /metrics and /health"
            + " are not served; free the port or set baton.ops.port", settings.host(),
            settings.port(), failure.toString(), failure);
      } else {
        LOG.info("Operator endpoint serves /status, /metrics, /health and /drain on http://{}:{}",
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

  /**
   * What a request needs (docs/security.md): {@code GET /health} nothing, so that probes work;
   * other reads a read-only or full token; every other method (the POSTs) a full token.
   */
  static EndpointAccess.Access access(org.apache.pekko.http.javadsl.model.HttpRequest request) {
    if (request.method().equals(HttpMethods.GET) || request.method().equals(HttpMethods.HEAD)) {
      return request.getUri().path().equals("/health")
          ? EndpointAccess.Access.OPEN : EndpointAccess.Access.READ;
    }
    return EndpointAccess.Access.CHANGE;
  }

  static Route routes(NodeObservation observation, ClusterOperations operations,
      OperatorMetrics metrics, PrometheusMeterRegistry registry, ObjectMapper json) {
    return concat(
        Directives.get(() -> concat(
            path("status", () -> onSuccess(operations.status(),
                status -> complete(jsonEntity(json, status)))),
            path("metrics", () -> onSuccess(
                operations.reports().local().thenCombine(operations.drained(),
                    (report, drained) -> {
                      metrics.update(report, drained.contains(report.address()));
                      return registry.scrape();
                    }),
                text -> complete(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, text)))),
            path("health", () -> {
              NodeObservation.Health health = observation.health();
              return complete(
                  health.healthy() ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE,
                  health.reason() + "\n");
            }),
            path("drain", () -> onSuccess(operations.drainView(),
                view -> complete(jsonEntity(json, view)))),
            path("upgrade", () -> complete(jsonEntity(json, operations.gateStatus()))))),
        Directives.post(() -> concat(
            pathPrefix("drain", () -> path(PathMatchers.segment(), node ->
                onSuccess(operations.drain(node), outcome -> answer(json, outcome)))),
            pathPrefix("undrain", () -> path(PathMatchers.segment(), node ->
                onSuccess(operations.undrain(node), outcome -> answer(json, outcome)))),
            pathPrefix("upgrade", () -> concat(
                path("hold", () -> onSuccess(operations.gate(true), change -> complete(
                    HttpResponse.create().withStatus(StatusCodes.ACCEPTED)
                        .withEntity(jsonEntity(json, change))))),
                path("release", () -> onSuccess(operations.gate(false), change -> complete(
                    HttpResponse.create().withStatus(StatusCodes.ACCEPTED)
                        .withEntity(jsonEntity(json, change))))))))));
  }

  private static Route answer(ObjectMapper json, ClusterOperations.Outcome outcome) {
    if (outcome instanceof ClusterOperations.Done done) {
      return complete(HttpResponse.create()
          .withStatus(StatusCodes.ACCEPTED)
          .withEntity(jsonEntity(json, done.view())));
    }
    StatusCode status;
    String error;
    String message;
    if (outcome instanceof ClusterOperations.NotFound notFound) {
      status = StatusCodes.NOT_FOUND;
      error = "not-a-member";
      message = notFound.message();
    } else if (outcome instanceof ClusterOperations.Malformed malformed) {
      status = StatusCodes.BAD_REQUEST;
      error = "bad-node-address";
      message = malformed.message();
    } else {
      status = StatusCodes.CONFLICT;
      error = "no-cluster";
      message = ((ClusterOperations.NoCluster) outcome).message();
    }
    return complete(HttpResponse.create().withStatus(status)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON,
            io.baton.security.AccessGuard.errorBody(error, message))));
  }

  private static org.apache.pekko.http.javadsl.model.ResponseEntity jsonEntity(
      ObjectMapper json, Object value) {
    return HttpEntities.create(ContentTypes.APPLICATION_JSON, toJson(json, value));
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
   * Installs where this node reads the measured load of its shards (messages per second), shown
   * per shard and per node in {@code /status}; until then the load fields are null. Does nothing
   * when the endpoint is off.
   */
  public void useLoadSource(LoadSource source) {
    if (reports != null) {
      reports.useLoadSource(source);
    }
  }

  /**
   * The registry behind {@code /metrics}, to which applications may add meters of their own;
   * empty when the endpoint is off.
   */
  public Optional<PrometheusMeterRegistry> registry() {
    return Optional.ofNullable(registry);
  }
}
