package io.baton.client;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.Directives.withSizeLimit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.baton.limits.LimitExceededException;
import io.baton.limits.Limits;
import io.baton.limits.ReadBack;
import io.baton.security.AccessGuard;
import io.baton.security.EndpointAccess;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.apache.pekko.Done;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.serialization.SerializationExtension;
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
 *   <li>400 (no key, bad headers, a body that is not the payload in strict JSON, a JSON {@code
 *       null}, an entity id sharding cannot take, a value beyond a read limit), 404 (a type not
 *       exposed on this node), 413 (a body or event larger than {@code baton.limits}), 422 (the
 *       idempotency key was used before for a request with another payload): the request is
 *       wrong, retrying it as it is cannot help;
 *   <li>503: the entity did not answer in time (a shard moving, a node down): the outcome is
 *       unknown, retry with the same key, preferably through another node; or, with {@code
 *       "error":"not-serving"}, this node is not Up in its cluster (joining, leaving) and did not
 *       send the request: retry through another node.
 * </ul>
 *
 * <p>Every error body is JSON, {@code {"error":"<stable code>","message":"..."}} (plus {@code
 * "limit"}, the configuration key, when a limit refused the request), as are the success bodies.
 *
 * <h2>What is accepted</h2>
 * Nothing reaches an entity that the node could not store and read back ({@link Limits},
 * docs/decisions/0017-limits-and-integrity.md): the body is bounded ({@code max-request-bytes}),
 * read strictly (no coercion of {@code "3"} to 3 or of 2.7 to 2, no trailing tokens) under the
 * read constraints of stored events, and the request is serialized as it will travel and checked
 * against {@code max-event-bytes} and the same constraints, all before it is sent.
 *
 * <h2>Lifecycle</h2>
 * One per actor system, a Pekko extension listed in {@code pekko.library-extensions}, like the
 * operator endpoint. With {@code baton.client.http.enabled} off (the default) it serves nothing.
 * Types are exposed at any time, typically right after {@code BatonNode.register}; the table of
 * exposed types is a concurrent map, read by the server's threads. In the first phase of
 * coordinated shutdown the server stops taking connections and answers what arrives on open ones
 * with 503 and {@code Connection: close} (requests in flight have {@code stop-deadline} to
 * finish), so a stopping node sends its clients elsewhere at once, before its shards move.
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
  private final Limits limits;
  private final ObjectMapper json;
  private final Map<String, Exposed<?, ?, ?>> exposed = new ConcurrentHashMap<>();
  private final WaitingRequests waiting;
  private final CompletionStage<ServerBinding> binding;
  /** This node's cluster membership; null for an actor system without the cluster provider. */
  private final Cluster cluster;

  private HttpEntryPoint(ActorSystem<Void> system) {
    this.system = system;
    this.cluster = system.settings().classicSettings().ProviderClass()
        .equals("org.apache.pekko.cluster.ClusterActorRefProvider") ? Cluster.get(system) : null;
    this.settings = HttpSettings.fromConfig(system.settings().config());
    this.limits = Limits.fromConfig(system.settings().config());
    this.json = strictJson(limits);
    this.waiting = new WaitingRequests(
        system.settings().config().getInt("pekko.cluster.sharding.number-of-shards"),
        System::nanoTime);
    if (!settings.enabled()) {
      this.binding = null;
      return;
    }
    this.binding = Http.get(system).newServerAt(settings.host(), settings.port())
        .bind(AccessGuard.protect(EndpointAccess.clientEntryPoint(system.settings().config()),
            request -> EndpointAccess.Access.CHANGE, route()));
    binding.whenComplete((bound, failure) -> {
      if (failure != null) {
        LOG.error("Client entry point could not listen on {}:{} ({}): clients cannot reach"
            + " entities over HTTP through this node; free the port or set {}.port",
            settings.host(), settings.port(), rootMessage(failure), HttpSettings.PATH);
      } else {
        LOG.info("Client entry point serves POST /entities/{type}/{id} on http://{}:{}",
            bound.localAddress().getHostString(), bound.localAddress().getPort());
      }
    });
    // terminate, not unbind: unbinding alone leaves the clients' keep-alive connections open, and
    // what they send after the node's shard region stopped is never answered (measured: every
    // request first sent to a node stopping in a graceful upgrade waited out its client's 1.5 s
    // attempt timeout, for about 6 s per node).
    CoordinatedShutdown.get(system).addTask(
        CoordinatedShutdown.PhaseBeforeServiceUnbind(), "baton-client-http-terminate",
        () -> binding.thenCompose(bound -> bound.terminate(settings.stopDeadline()))
            .handle((done, failure) -> Done.getInstance()));
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
    return binding.handle((bound, failure) -> {
      if (failure != null) {
        throw new java.util.concurrent.CompletionException(new IllegalStateException(
            "the client entry point cannot listen on " + settings.host() + ":" + settings.port()
                + " (" + rootMessage(failure) + "): free the port or set " + HttpSettings.PATH
                + ".port", failure));
      }
      return Optional.of(bound.localAddress());
    });
  }

  /**
   * The reader of request bodies: strict (a JSON string is not a number, a fraction is not an
   * integer, nothing after the value) and under the read constraints of client JSON.
   */
  static ObjectMapper strictJson(Limits limits) {
    JsonMapper mapper = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(limits.clientJson()).build())
        .findAndAddModules()
        .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();
    for (LogicalType type : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean,
        LogicalType.Textual)) {
      mapper.coercionConfigFor(type)
          .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    }
    // A value of the type's own shape is of course taken as is.
    mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Integer,
        CoercionAction.TryConvert);
    mapper.coercionConfigFor(LogicalType.Float).setCoercion(CoercionInputShape.Float,
        CoercionAction.TryConvert).setCoercion(CoercionInputShape.Integer,
        CoercionAction.TryConvert);
    mapper.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.String,
        CoercionAction.TryConvert);
    mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Boolean,
        CoercionAction.TryConvert);
    return mapper;
  }

  private Route route() {
    Route entities = pathPrefix("entities", () ->
        path(PathMatchers.segment().slash(PathMatchers.segment()), (type, id) ->
            post(() -> withSizeLimit(limits.maxRequestBytes(), () -> extractRequest(request ->
                entity(Unmarshaller.entityToString(), body ->
                    completeWithFuture(handle(type, id, request, body))))))));
    // Pekko's own refusals (a body over the size limit, a wrong method or path) answer JSON too.
    return io.baton.security.AccessGuard.withJsonRejections(() -> entities);
  }

  private CompletionStage<HttpResponse> handle(String type, String entityId, HttpRequest http,
      String body) {
    Exposed<?, ?, ?> target = exposed.get(type);
    if (target == null) {
      return done(StatusCodes.NOT_FOUND, "unknown-type", "no entity type '" + type
          + "' is exposed on this node; exposed: " + exposed.keySet());
    }
    Optional<String> badId = entityIdProblem(entityId, limits.maxEntityIdLength());
    if (badId.isPresent()) {
      return done(StatusCodes.BAD_REQUEST, "bad-entity-id", badId.get());
    }
    Optional<String> key = header(http, HttpProtocol.IDEMPOTENCY_KEY);
    if (key.isEmpty()) {
      return done(StatusCodes.BAD_REQUEST, "missing-idempotency-key", "the "
          + HttpProtocol.IDEMPOTENCY_KEY + " header is required: the same key on every attempt"
          + " lets the entity apply the request once");
    }
    long now = System.currentTimeMillis();
    long issuedAt;
    long deadline;
    try {
      issuedAt = header(http, HttpProtocol.ISSUED_AT).map(Long::parseLong).orElse(now);
      deadline = header(http, HttpProtocol.DEADLINE).map(Long::parseLong)
          .orElse(issuedAt + settings.defaultDeadline().toMillis());
    } catch (NumberFormatException e) {
      return done(StatusCodes.BAD_REQUEST, "bad-header", HttpProtocol.ISSUED_AT + " and "
          + HttpProtocol.DEADLINE + " are epoch milliseconds: " + e.getMessage());
    }
    return send(target, entityId, key.get(), issuedAt, deadline, body, now);
  }

  /**
   * Requests sent to entities through this node and not answered yet (see {@link
   * WaitingRequests}): the operator status shows those waiting longer than a second.
   */
  public WaitingRequests waiting() {
    return waiting;
  }

  private <M, P, R> CompletionStage<HttpResponse> send(Exposed<M, P, R> target, String entityId,
      String key, long issuedAt, long deadline, String body, long now) {
    Request<P> request;
    try {
      // The whole document under the read constraints first: binding stops at the first value
      // that does not fit the payload type, and would leave what follows it unchecked.
      try (com.fasterxml.jackson.core.JsonParser scan = json.getFactory().createParser(body)) {
        while (scan.nextToken() != null) {
          // each token is checked as it is read
        }
      }
      P payload = json.readValue(body, target.payloadType());
      if (payload == null) {
        return done(StatusCodes.BAD_REQUEST, "null-body", "the body is JSON null: send a "
            + target.payloadType().getSimpleName() + " in JSON");
      }
      request = Request.create(key, issuedAt, deadline, payload);
    } catch (JsonProcessingException e) {
      StreamConstraintsException limited = constraint(e);
      if (limited != null) {
        String limit = ReadBack.limitOf(limited.getOriginalMessage());
        return done(StatusCodes.BAD_REQUEST, "limit-exceeded", "the body exceeds a limit of"
            + " what the node can store and read back: " + limited.getOriginalMessage()
            + (limit.endsWith("max-string-length") ? " (strings a client sends are held to "
            + Limits.JACKSON_READ + ".max-name-length, as an entity may make them keys)" : ""),
            limit);
      }
      return done(StatusCodes.BAD_REQUEST, "bad-json", "the body is not a " + target
          .payloadType().getSimpleName() + " in strict JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException | IllegalArgumentException e) {
      return done(StatusCodes.BAD_REQUEST, "bad-request", e.getMessage());
    }
    try { // as it will travel and be stored: within the event size and readable back
      // CBOR of a payload is no larger than its JSON in UTF-8 (at most 3 bytes a char) plus a few
      // bytes per value: a body (with its key) under half the event limit cannot exceed it, and
      // is not serialized an extra time here; the serializer still reads back what it writes.
      if (3L * (body.length() + key.length()) > limits.maxEventBytes() / 2) {
        byte[] serialized = SerializationExtension.get(Adapter.toClassic(system))
            .serialize(request).get();
        limits.checkEventSize(serialized.length, "the request");
      }
    } catch (LimitExceededException e) {
      return done(e.limit().endsWith("max-event-bytes") ? StatusCodes.PAYLOAD_TOO_LARGE
          : StatusCodes.BAD_REQUEST, e.limit().endsWith("max-event-bytes")
          ? "request-too-large" : "limit-exceeded", e.getMessage(), e.limit());
    }
    // Wait for the entity until the client's deadline, within bounds: a past deadline still gets
    // an answer (already applied, or refused), and a far one does not hold the connection forever.
    Duration timeout = Duration.ofMillis(Math.min(settings.maxAskTimeout().toMillis(),
        Math.max(1000, deadline - now)));
    Optional<String> notServing = notServing();
    if (notServing.isPresent()) {
      return done(StatusCodes.SERVICE_UNAVAILABLE, "not-serving", notServing.get());
    }
    long waiting = this.waiting.begin(target.typeKey().name(), entityId);
    return ClusterSharding.get(system).entityRefFor(target.typeKey(), entityId)
        .<Reply<R>>ask(replyTo -> target.command().apply(request, replyTo), timeout)
        .handle((reply, failure) -> {
          this.waiting.end(waiting);
          if (failure != null) {
            return response(StatusCodes.SERVICE_UNAVAILABLE, "no-answer", "entity "
                + target.typeKey().name()
                + "/" + entityId + " did not answer within " + timeout + " (" + failure
                + "): the request may or may not be applied; retry with the same "
                + HttpProtocol.IDEMPOTENCY_KEY);
          }
          if (reply instanceof Reply.Rejected<R> rejected
              && Reply.Rejected.KEY_REUSED.equals(rejected.reason())) {
            return response(StatusCodes.UNPROCESSABLE_ENTITY, Reply.Rejected.KEY_REUSED,
                "the " + HttpProtocol.IDEMPOTENCY_KEY + " '" + key + "' was already used for a"
                    + " request with another payload: it identifies that request; send a new"
                    + " key for a new request");
          }
          StatusCode status = reply.isApplied() ? StatusCodes.OK : StatusCodes.CONFLICT;
          try {
            return HttpResponse.create().withStatus(status).withEntity(HttpEntities.create(
                ContentTypes.APPLICATION_JSON,
                json.writeValueAsString(HttpProtocol.toJson(json, reply))));
          } catch (JsonProcessingException e) {
            LOG.error("Cannot write the reply {} as JSON", reply, e);
            return response(StatusCodes.INTERNAL_SERVER_ERROR, "reply-not-json", "the reply ("
                + reply
                + ") cannot be written as JSON: " + e.getOriginalMessage());
          }
        });
  }

  private static Optional<String> header(HttpRequest http, String name) {
    return http.getHeader(name).map(HttpHeader::value);
  }

  private static StreamConstraintsException constraint(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof StreamConstraintsException limited) {
        return limited;
      }
    }
    return null;
  }

  /**
   * Why sharding cannot take {@code entityId}, if so: Baton's persistence ids are {@code
   * <type>|<id>}, so a '|' in an id would make two entities' ids ambiguous, and control
   * characters and overlong ids have no place in an actor name or a log line.
   */
  static Optional<String> entityIdProblem(String entityId, int maxLength) {
    if (entityId.isEmpty() || entityId.length() > maxLength) {
      return Optional.of("an entity id must be 1 to " + maxLength + " characters ("
          + Limits.PATH + ".max-entity-id-length); this one has " + entityId.length());
    }
    for (int i = 0; i < entityId.length(); i++) {
      char c = entityId.charAt(i);
      if (c == '|' || Character.isISOControl(c)) {
        return Optional.of("an entity id must not contain '|' (it separates the type from the id"
            + " in persistence ids) nor control characters; this one has "
            + (c == '|' ? "'|'" : "U+" + String.format("%04X", (int) c)) + " at " + i);
      }
    }
    return Optional.empty();
  }

  /**
   * Why this node cannot reach entities now, if it cannot: it is not Up (still joining, so its
   * shard regions have no coordinator yet and would hold the request until it is Up; or leaving).
   * The client then retries through another node at once rather than wait here.
   */
  private Optional<String> notServing() {
    if (cluster == null) {
      return Optional.empty();
    }
    MemberStatus status = cluster.selfMember().status();
    if (status.equals(MemberStatus.up())) {
      return Optional.empty();
    }
    return Optional.of("this node is " + status + ", not Up: it does not reach entities now;"
        + " the request was not sent, retry it with the same " + HttpProtocol.IDEMPOTENCY_KEY
        + " through another node");
  }

  private static CompletionStage<HttpResponse> done(StatusCode status, String code,
      String message) {
    return done(status, code, message, null);
  }

  private static CompletionStage<HttpResponse> done(StatusCode status, String code,
      String message, String limit) {
    return CompletableFuture.completedFuture(HttpResponse.create().withStatus(status)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON,
            errorJson(code, message, limit))));
  }

  private static HttpResponse response(StatusCode status, String code, String message) {
    return HttpResponse.create().withStatus(status)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON,
            errorJson(code, message, null)));
  }

  private static final ObjectMapper ERRORS = new ObjectMapper();

  /** Baton's error body: {@code {"error":code,"message":..}}, with {@code "limit"} if given. */
  static String errorJson(String code, String message, String limit) {
    com.fasterxml.jackson.databind.node.ObjectNode node = ERRORS.createObjectNode()
        .put("error", code).put("message", message);
    if (limit != null) {
      node.put("limit", limit);
    }
    return node.toString();
  }

  /** The innermost cause's message (e.g. "Address already in use"), for a one-line report. */
  private static String rootMessage(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }
}
