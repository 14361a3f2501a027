package io.baton.client;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import io.baton.security.AccessGuard;
import io.baton.security.EndpointAccess;
import org.apache.pekko.Done;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client entry point of one node over HTTP: {@code POST /entities/{type}/{id}} sends the JSON
 * body, as the payload of a {@link Request}, to entity {@code id} of the sharded type {@code type}
 * (wherever in the cluster it lives), and answers the entity's {@link Reply} as JSON. Together
 * with {@link HttpTransport}, it lets a {@link BatonClient} outside the cluster retry through
 * another node.
 *
 * <h2>Request</h2>
 * Headers: {@code Idempotency-Key} (required: without it a retry could not be recognised),
 * {@code Baton-Issued-At} and {@code Baton-Deadline} (epoch milliseconds, client clock; default
 * now and now + {@code default-deadline}). The body is the payload as JSON, read as the payload
 * class the type was {@linkplain #expose exposed} with.
 *
 * <h2>Response</h2>
 * <ul>
 *   <li>200 with {@code {"reply":"applied"|"already-applied","requestId":..,"result":..}};
 *   <li>409 with {@code {"reply":"rejected","requestId":..,"reason":..}}: final for that key;
 *   <li>400 (no key, bad headers, a body that is not the payload), 404 (a type not exposed on
 *       this node): the request is wrong, retrying it as it is cannot help;
 *   <li>503: the entity did not answer in time (a shard moving, a node down): the outcome is
 *       unknown, retry with the same key, preferably through another node.
 * </ul>
 *
 * <h2>Lifecycle</h2>
 * One per actor system, a Pekko extension listed in {@code pekko.library-extensions}, like the
 * operator endpoint. With {@code baton.client.http.enabled} off (the default) it serves nothing.
 * Types are exposed at any time, typically right after {@code BatonNode.register}; the table of
 * exposed types is a concurrent map, read by the server's threads. The binding is released in the
 * first phase of coordinated shutdown, so a leaving node stops taking requests before its shards
 * move.
 */
public final class HttpEntryPoint implements Extension {

  private static final Logger LOG = LoggerFactory.getLogger(HttpEntryPoint.class);

  /** The extension id, named in {@code pekko.library-extensions}. */
  public static final class Id extends AbstractExtensionId<HttpEntryPoint>
      implements ExtensionIdProvider {
    @Override
    public Id lookup() {
      return ID;
    }

    @Override
    public HttpEntryPoint createExtension(ExtendedActorSystem system) {
      return new HttpEntryPoint(Adapter.toTyped(system));
    }
  }

  private static final Id ID = new Id();

  /** The entry point of {@code system}, created (and started, if enabled) on first use. */
  public static HttpEntryPoint get(ActorSystem<?> system) {
    return ID.get(Adapter.toClassic(system));
  }

  /** How to turn an HTTP request into a command of one exposed entity type. */
  private record Exposed<M, P, R>(EntityTypeKey<M> typeKey, Class<P> payloadType,
      BiFunction<Request<P>, ActorRef<Reply<R>>, M> command) {}

  private final ActorSystem<Void> system;
  private final HttpSettings settings;
  private final ObjectMapper json = new ObjectMapper().findAndRegisterModules()
      .disable(com.fasterxml.jackson.databind.SerializationFeature.FAIL_ON_EMPTY_BEANS);
  private final Map<String, Exposed<?, ?, ?>> exposed = new ConcurrentHashMap<>();
  private final CompletionStage<ServerBinding> binding;

  private HttpEntryPoint(ActorSystem<Void> system) {
    this.system = system;
    this.settings = HttpSettings.fromConfig(system.settings().config());
    if (!settings.enabled()) {
      this.binding = null;
      return;
    }
    this.binding = Http.get(system).newServerAt(settings.host(), settings.port()).bind(AccessGuard.protect(
        EndpointAccess.clientEntryPoint(system.settings().config()),
        request -> EndpointAccess.Access.CHANGE, route()));
    binding.whenComplete((bound, failure) -> {
      if (failure != null) {
        LOG.error("Client entry point could not listen on {}:{} ({}): clients cannot reach"
            + " entities over HTTP through this node; free the port or set {}.port",
            settings.host(), settings.port(), failure.toString(), HttpSettings.PATH, failure);
      } else {
        LOG.info("Client entry point serves POST /entities/{type}/{id} on http://{}:{}",
            bound.localAddress().getHostString(), bound.localAddress().getPort());
      }
    });
    CoordinatedShutdown.get(system).addTask(
        CoordinatedShutdown.PhaseBeforeServiceUnbind(), "baton-client-http-unbind",
        () -> binding.thenCompose(ServerBinding::unbind).handle((done, failure) ->
            Done.getInstance()));
  }

  /**
   * Exposes the sharded entity type {@code typeKey} (initialised on this node, e.g. by {@code
   * BatonNode.register}) at {@code /entities/<typeKey.name()>/{id}}: a request's body is read as
   * {@code payloadType}, and {@code command} wraps the request and the reply address into the
   * entity's command, as for {@link ShardingTransport}. Exposing a name again replaces it.
   */
  public <M, P, R> void expose(EntityTypeKey<M> typeKey, Class<P> payloadType,
      BiFunction<Request<P>, ActorRef<Reply<R>>, M> command) {
    exposed.put(typeKey.name(), new Exposed<>(typeKey, Objects.requireNonNull(payloadType),
        Objects.requireNonNull(command)));
  }

  /** The settings this entry point was started with. */
  public HttpSettings settings() {
    return settings;
  }

  /**
   * The address the entry point listens on, once bound; empty when {@code
   * baton.client.http.enabled} is off; failed if the port could not be bound.
   */
  public CompletionStage<Optional<InetSocketAddress>> address() {
    if (binding == null) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return binding.thenApply(bound -> Optional.of(bound.localAddress()));
  }

  private Route route() {
    return pathPrefix("entities", () ->
        path(PathMatchers.segment().slash(PathMatchers.segment()), (type, id) ->
            post(() -> extractRequest(request ->
                entity(Unmarshaller.entityToString(), body ->
                    completeWithFuture(handle(type, id, request, body)))))));
  }

  private CompletionStage<HttpResponse> handle(String type, String entityId, HttpRequest http,
      String body) {
    Exposed<?, ?, ?> target = exposed.get(type);
    if (target == null) {
      return done(StatusCodes.NOT_FOUND, "no entity type '" + type + "' is exposed on this node;"
          + " exposed: " + exposed.keySet());
    }
    Optional<String> key = header(http, HttpProtocol.IDEMPOTENCY_KEY);
    if (key.isEmpty()) {
      return done(StatusCodes.BAD_REQUEST, "the " + HttpProtocol.IDEMPOTENCY_KEY + " header is"
          + " required: the same key on every attempt lets the entity apply the request once");
    }
    long now = System.currentTimeMillis();
    long issuedAt;
    long deadline;
    try {
      issuedAt = header(http, HttpProtocol.ISSUED_AT).map(Long::parseLong).orElse(now);
      deadline = header(http, HttpProtocol.DEADLINE).map(Long::parseLong)
          .orElse(issuedAt + settings.defaultDeadline().toMillis());
    } catch (NumberFormatException e) {
      return done(StatusCodes.BAD_REQUEST, HttpProtocol.ISSUED_AT + " and "
          + HttpProtocol.DEADLINE + " are epoch milliseconds: " + e.getMessage());
    }
    return send(target, entityId, key.get(), issuedAt, deadline, body, now);
  }

  private <M, P, R> CompletionStage<HttpResponse> send(Exposed<M, P, R> target, String entityId,
      String key, long issuedAt, long deadline, String body, long now) {
    Request<P> request;
    try {
      request = Request.create(key, issuedAt, deadline,
          json.readValue(body, target.payloadType()));
    } catch (JsonProcessingException e) {
      return done(StatusCodes.BAD_REQUEST, "the body is not a " + target.payloadType()
          .getSimpleName() + " in JSON: " + e.getOriginalMessage());
    } catch (IllegalArgumentException e) {
      return done(StatusCodes.BAD_REQUEST, e.getMessage());
    }
    // Wait for the entity until the client's deadline, within bounds: a past deadline still gets
    // an answer (already applied, or refused), and a far one does not hold the connection forever.
    Duration timeout = Duration.ofMillis(Math.min(settings.maxAskTimeout().toMillis(),
        Math.max(1000, deadline - now)));
    return ClusterSharding.get(system).entityRefFor(target.typeKey(), entityId)
        .<Reply<R>>ask(replyTo -> target.command().apply(request, replyTo), timeout)
        .handle((reply, failure) -> {
          if (failure != null) {
            return response(StatusCodes.SERVICE_UNAVAILABLE, "entity " + target.typeKey().name()
                + "/" + entityId + " did not answer within " + timeout + " (" + failure
                + "): the request may or may not be applied; retry with the same "
                + HttpProtocol.IDEMPOTENCY_KEY);
          }
          StatusCode status = reply.isApplied() ? StatusCodes.OK : StatusCodes.CONFLICT;
          try {
            return HttpResponse.create().withStatus(status).withEntity(HttpEntities.create(
                ContentTypes.APPLICATION_JSON,
                json.writeValueAsString(HttpProtocol.toJson(json, reply))));
          } catch (JsonProcessingException e) {
            LOG.error("Cannot write the reply {} as JSON", reply, e);
            return response(StatusCodes.INTERNAL_SERVER_ERROR, "the reply (" + reply
                + ") cannot be written as JSON: " + e.getOriginalMessage());
          }
        });
  }

  private static Optional<String> header(HttpRequest http, String name) {
    return http.getHeader(name).map(HttpHeader::value);
  }

  private static CompletionStage<HttpResponse> done(StatusCode status, String message) {
    return CompletableFuture.completedFuture(response(status, message));
  }

  private static HttpResponse response(StatusCode status, String message) {
    return HttpResponse.create().withStatus(status)
        .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, message + "\n"));
  }
}
