package io.baton.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends logical requests to Baton's HTTP entry points ({@code POST {target}/entities/{type}/{id}})
 * under an {@link AttemptPolicy}, as an independent client would: every attempt carries the same
 * {@code Idempotency-Key}, {@code Baton-Issued-At} and {@code Baton-Deadline}; attempt {@code n}
 * goes to target {@code (first + n - 1) mod targets}; a send never completes exceptionally, it
 * answers an {@link Answer} whose outcome is {@link Outcome#FAILED} when nothing final came back
 * in time.
 *
 * <h2>Threads</h2>
 * {@link #send} returns at once: attempts run on the JDK {@link HttpClient}'s threads; one daemon
 * timer thread ends attempts at their timeout and starts retries that wait for the spacing. Each
 * request's attempt state is confined to the callback chain of that request (one attempt at a
 * time), so no field of this class changes after construction but the round-robin counter.
 *
 * <h2>Time</h2>
 * Every decision reads the {@link LoadClock} (monotonic). An attempt's budget is enforced by
 * the timer thread (which cancels the exchange) and by the JDK client's request timeout,
 * whichever fires first; a compare-and-set makes the first end of an attempt the only one.
 */
public final class EntityClient implements AutoCloseable {

  /** Header names, as {@code io.baton.client.HttpEntryPoint} reads them. */
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  static final String ISSUED_AT = "Baton-Issued-At";
  static final String DEADLINE = "Baton-Deadline";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<URI> targets;
  private final AttemptPolicy policy;
  private final LoadClock clock;
  private final HttpClient http;
  private final ScheduledExecutorService timer;
  private final AtomicLong roundRobin = new AtomicLong();

  private EntityClient(List<URI> targets, AttemptPolicy policy, LoadClock clock) {
    this.targets = targets;
    this.policy = policy;
    this.clock = clock;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(policy.attemptTimeout())
        .build();
    this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "baton-load-retry");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * A client for {@code targets} (entry points' base URIs, e.g. {@code http://127.0.0.1:8081}),
   * retrying under {@code policy}, timed by {@code clock}.
   */
  public static EntityClient create(List<URI> targets, AttemptPolicy policy, LoadClock clock) {
    Objects.requireNonNull(targets, "targets");
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("no target: give at least one entry point, e.g."
          + " http://127.0.0.1:8081");
    }
    for (URI target : targets) {
      if (target.getScheme() == null || !target.getScheme().startsWith("http")
          || target.getHost() == null) {
        throw new IllegalArgumentException("target '" + target + "' is not an http(s) base URI"
            + " such as http://127.0.0.1:8081");
      }
    }
    return new EntityClient(List.copyOf(targets), Objects.requireNonNull(policy, "policy"),
        Objects.requireNonNull(clock, "clock"));
  }

  /** The entry points, in round-robin order. */
  public List<URI> targets() {
    return targets;
  }

  /** The attempt policy. */
  public AttemptPolicy policy() {
    return policy;
  }

  /** The clock every time is read from. */
  public LoadClock clock() {
    return clock;
  }

  /**
   * Sends {@code request} now, starting at the next target in round robin, issued now with the
   * deadline at the give-up time. For set-up and checks around a load; the load itself is
   * scheduled by {@link OpenLoopGenerator}.
   */
  public CompletableFuture<Answer> send(LoadRequest request) {
    long now = clock.nanoTime();
    long issuedAt = clock.epochMillis();
    return send(request, now, issuedAt, issuedAt + policy.giveUp().toMillis(), nextFirstTarget());
  }

  /**
   * Sends {@code request}, whose intended start was {@code intendedNanos} (on the clock; the
   * give-up time counts from it), stamped {@code issuedAtMillis} and {@code deadlineMillis}
   * (epoch milliseconds), first to target {@code firstTarget mod targets}.
   */
  public CompletableFuture<Answer> send(LoadRequest request, long intendedNanos,
      long issuedAtMillis, long deadlineMillis, int firstTarget) {
    Exchange exchange = new Exchange(request, intendedNanos, issuedAtMillis, deadlineMillis,
        Math.floorMod(firstTarget, targets.size()));
    exchange.attempt();
    return exchange.result;
  }

  /** The next first target in round robin. */
  int nextFirstTarget() {
    return (int) Math.floorMod(roundRobin.getAndIncrement(), (long) targets.size());
  }

  /** The epoch milliseconds of {@code nanos} on the clock, by the wall clock read now. */
  long epochMillisOf(long nanos) {
    return clock.epochMillis() - TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - nanos);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  /** One logical request: its attempts, one at a time, each started from the previous one's end. */
  private final class Exchange {
    final LoadRequest request;
    final long intendedNanos;
    final long issuedAtMillis;
    final long deadlineMillis;
    final int firstTarget;
    final List<Attempt> attempts = new ArrayList<>();
    final CompletableFuture<Answer> result = new CompletableFuture<>();
    int lastStatus;
    String lastBody = "";

    Exchange(LoadRequest request, long intendedNanos, long issuedAtMillis, long deadlineMillis,
        int firstTarget) {
      this.request = Objects.requireNonNull(request, "request");
      this.intendedNanos = intendedNanos;
      this.issuedAtMillis = issuedAtMillis;
      this.deadlineMillis = deadlineMillis;
      this.firstTarget = firstTarget;
    }

    void attempt() {
      long start = clock.nanoTime();
      long budget = policy.attemptBudgetNanos(start - intendedNanos);
      if (budget <= 0) {
        finish(Outcome.FAILED, start);
        return;
      }
      URI target = targets.get((firstTarget + attempts.size()) % targets.size());
      HttpRequest http;
      try {
        http = HttpRequest.newBuilder(target.resolve("/entities/" + request.type() + "/"
                + request.id()))
            .timeout(Duration.ofNanos(budget))
            .header("Content-Type", "application/json")
            .header(IDEMPOTENCY_KEY, request.key())
            .header(ISSUED_AT, Long.toString(issuedAtMillis))
            .header(DEADLINE, Long.toString(deadlineMillis))
            .POST(HttpRequest.BodyPublishers.ofString(request.body()))
            .build();
      } catch (IllegalArgumentException e) {
        // A request that cannot even be built (bad header value) is the caller's error.
        lastBody = "the request cannot be sent: " + e.getMessage();
        attempts.add(new Attempt(attempts.size() + 1, target.toString(), millis(start
            - intendedNanos), 0, "invalid-request"));
        finish(Outcome.CLIENT_ERROR, start);
        return;
      }
      // The attempt ends by its answer or by our own timer, whichever comes first: the JDK
      // client's request timeout alone fired seconds late on a saturated machine.
      AtomicBoolean over = new AtomicBoolean();
      CompletableFuture<HttpResponse<String>> sending =
          EntityClient.this.http.sendAsync(http, HttpResponse.BodyHandlers.ofString());
      ScheduledFuture<?> timeout = timer.schedule(() -> {
        if (over.compareAndSet(false, true)) {
          sending.cancel(true);
          ended(target, start, null, new TimeoutException("attempt timeout"));
        }
      }, budget, TimeUnit.NANOSECONDS);
      sending.whenComplete((response, failure) -> {
        if (over.compareAndSet(false, true)) {
          timeout.cancel(false);
          ended(target, start, response, failure);
        }
      });
    }

    void ended(URI target, long start, HttpResponse<String> response, Throwable failure) {
      long end = clock.nanoTime();
      AttemptResult outcome;
      if (failure == null) {
        lastStatus = response.statusCode();
        lastBody = response.body() == null ? "" : response.body();
        outcome = new AttemptResult.Answered(response.statusCode(), replyOf(lastBody));
      } else {
        outcome = failed(failure);
      }
      attempts.add(new Attempt(attempts.size() + 1, target.toString(),
          millis(start - intendedNanos), millis(end - start), outcome.label()));
      AttemptPolicy.Decision decision = policy.afterAttempt(outcome, end - intendedNanos,
          end - start);
      if (decision instanceof AttemptPolicy.Decision.Done done) {
        finish(done.outcome(), end);
      } else {
        long delay = ((AttemptPolicy.Decision.Retry) decision).delayNanos();
        if (delay == 0) {
          attempt();
        } else {
          timer.schedule(this::attempt, delay, TimeUnit.NANOSECONDS);
        }
      }
    }

    void finish(Outcome outcome, long end) {
      result.complete(new Answer(outcome, lastStatus, lastBody, attempts, end));
    }
  }

  private static AttemptResult failed(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
      return new AttemptResult.TimedOut();
    }
    if (cause instanceof ConnectException) {
      return new AttemptResult.ConnectionFailed("refused");
    }
    if (cause instanceof IOException) {
      return new AttemptResult.ConnectionFailed(cause.getClass().getSimpleName()
          + (cause.getMessage() == null ? "" : " " + cause.getMessage()));
    }
    return new AttemptResult.ConnectionFailed(cause.toString());
  }

  /** The {@code "reply"} field of a Baton JSON reply, or "" if {@code body} is not one. */
  static String replyOf(String body) {
    if (body.isEmpty() || body.charAt(0) != '{') {
      return "";
    }
    try {
      JsonNode node = JSON.readTree(body);
      JsonNode reply = node == null ? null : node.get("reply");
      return reply != null && reply.isTextual() ? reply.asText() : "";
    } catch (IOException e) {
      return "";
    }
  }

  static double millis(long nanos) {
    return Math.round(nanos / 1_000.0) / 1_000.0;
  }
}
