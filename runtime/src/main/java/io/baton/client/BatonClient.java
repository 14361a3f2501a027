package io.baton.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.DoubleSupplier;

/**
 * A client that masks failover: it sends a request to an entity and, when an attempt times out or
 * fails, sends it again with the same idempotency key, with exponential backoff and jitter, within
 * one overall deadline ({@link RetryPolicy}), moving to another route (node) on each retry. The
 * entity ({@link IdempotentCommands}) applies the request at most once however many attempts reach
 * it, and answers a retry of an applied request with the recorded result.
 *
 * <p><b>Contract.</b> {@link #send} completes with {@link ClientResult.Answered} as soon as one
 * attempt gets a reply ({@link Reply.Applied} and {@link Reply.AlreadyApplied} both mean success;
 * {@link Reply.Rejected} is final and never retried), or with {@link ClientResult.Unknown} when the
 * policy ends: then the request may have been applied. It never completes exceptionally. Every
 * attempt carries the same {@link Request} (key, issue time and deadline); the entity refuses any
 * attempt that arrives after the deadline, so nothing the client gave up on is applied unseen.
 *
 * <p><b>Threads and state.</b> The client itself is immutable and thread-safe. Each call runs as a
 * chain of callbacks: at most one attempt of a call is unsettled at a time, and an attempt settles
 * exactly once, by its reply, its failure or the client's own timeout, whichever comes first (an
 * {@link AtomicBoolean} decides the race); a reply that arrives after its attempt settled is
 * ignored. All time comes from {@link ClientTime} and all randomness from the injected supplier.
 *
 * @param <P> the request payload type
 * @param <R> the result type
 */
public final class BatonClient<P, R> {

  private final RequestTransport<P, R> transport;
  private final RetryPolicy policy;
  private final ClientTime time;
  private final DoubleSupplier random;

  private BatonClient(RequestTransport<P, R> transport, RetryPolicy policy, ClientTime time,
      DoubleSupplier random) {
    this.transport = Objects.requireNonNull(transport, "transport");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.time = Objects.requireNonNull(time, "time");
    this.random = Objects.requireNonNull(random, "random");
    if (transport.routes() < 1) {
      throw new IllegalArgumentException(
          "the transport must have at least one route, has " + transport.routes());
    }
  }

  /** A client with jitter from {@link ThreadLocalRandom}. */
  public static <P, R> BatonClient<P, R> create(RequestTransport<P, R> transport,
      RetryPolicy policy, ClientTime time) {
    return new BatonClient<>(transport, policy, time,
        () -> ThreadLocalRandom.current().nextDouble());
  }

  /** A client whose jitter comes from {@code random} (uniform in [0, 1)), for tests. */
  public static <P, R> BatonClient<P, R> create(RequestTransport<P, R> transport,
      RetryPolicy policy, ClientTime time, DoubleSupplier random) {
    return new BatonClient<>(transport, policy, time, random);
  }

  /** The retry policy. */
  public RetryPolicy policy() {
    return policy;
  }

  /** Sends {@code payload} to entity {@code entityId} under a new random idempotency key. */
  public CompletionStage<ClientResult<R>> send(String entityId, P payload) {
    return send(entityId, UUID.randomUUID().toString(), payload);
  }

  /**
   * Sends {@code payload} to entity {@code entityId} under the caller's idempotency key {@code
   * requestId}. Use a key that identifies the operation in the caller's own system when the
   * caller itself may repeat it (after its own crash, say).
   */
  public CompletionStage<ClientResult<R>> send(String entityId, String requestId, P payload) {
    return send(entityId, requestId, time.currentTimeMillis(), payload);
  }

  /**
   * As {@link #send(String, String, Object)}, for a key that was first issued earlier, at {@code
   * firstIssuedAtMillis} (epoch milliseconds), by an earlier run of the caller: a saga that
   * resumes after a crash, say. The request carries that time, so that an entity whose retention
   * may have dropped the key's record refuses it ({@link Reply.Rejected#BEYOND_RETENTION}) rather
   * than apply it again. The deadline is still the policy's, from now.
   */
  public CompletionStage<ClientResult<R>> send(String entityId, String requestId,
      long firstIssuedAtMillis, P payload) {
    long now = time.currentTimeMillis();
    long issuedAt = Math.min(firstIssuedAtMillis, now);
    Request<P> request = Request.create(requestId, issuedAt,
        now + policy.deadline().toMillis(), payload);
    Call call = new Call(entityId, request);
    call.run(policy.first(0));
    return call.result;
  }

  /** One request: its attempts, one after the other. */
  private final class Call {
    final String entityId;
    final Request<P> request;
    final long startNanos = time.nanoTime();
    final List<Attempt> attempts = new ArrayList<>(); // touched by one settled attempt at a time
    final CompletableFuture<ClientResult<R>> result = new CompletableFuture<>();

    Call(String entityId, Request<P> request) {
      this.entityId = entityId;
      this.request = request;
    }

    void run(RetryPolicy.Step.Attempt step) {
      if (step.delay().isZero()) {
        start(step);
      } else {
        time.schedule(step.delay(), () -> start(step));
      }
    }

    void start(RetryPolicy.Step.Attempt step) {
      long attemptStart = time.nanoTime();
      AtomicBoolean settled = new AtomicBoolean();
      CompletionStage<Reply<R>> sent;
      try {
        sent = transport.send(step.route(), entityId, request, step.timeout());
      } catch (RuntimeException e) {
        sent = CompletableFuture.failedFuture(e);
      }
      time.schedule(step.timeout(), () -> {
        if (settled.compareAndSet(false, true)) {
          failed(step, attemptStart, Attempt.Outcome.TIMED_OUT,
              "no reply within " + step.timeout());
        }
      });
      sent.whenComplete((reply, error) -> {
        if (!settled.compareAndSet(false, true)) {
          return;
        }
        if (error == null && reply != null) {
          attempts.add(attempt(step, attemptStart, Attempt.Outcome.REPLIED, reply.toString()));
          result.complete(new ClientResult.Answered<>(request.requestId(), reply, attempts));
        } else {
          Throwable cause = unwrap(error);
          Attempt.Outcome outcome = cause instanceof TimeoutException
              ? Attempt.Outcome.TIMED_OUT : Attempt.Outcome.FAILED;
          failed(step, attemptStart, outcome, String.valueOf(cause));
        }
      });
    }

    void failed(RetryPolicy.Step.Attempt step, long attemptStart, Attempt.Outcome outcome,
        String detail) {
      attempts.add(attempt(step, attemptStart, outcome, detail));
      Duration elapsed = Duration.ofNanos(time.nanoTime() - startNanos);
      RetryPolicy.Step next = policy.next(step.attempt(), step.route(), transport.routes(),
          elapsed, random.getAsDouble());
      if (next instanceof RetryPolicy.Step.Attempt retry) {
        run(retry);
      } else {
        result.complete(new ClientResult.Unknown<>(request.requestId(),
            ((RetryPolicy.Step.GiveUp) next).reason(), attempts));
      }
    }

    Attempt attempt(RetryPolicy.Step.Attempt step, long attemptStart, Attempt.Outcome outcome,
        String detail) {
      long now = time.nanoTime();
      return new Attempt(step.attempt(), step.route(),
          Duration.ofNanos(attemptStart - startNanos), Duration.ofNanos(now - attemptStart),
          outcome, detail);
    }
  }

  private static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause == null ? new IllegalStateException("the transport completed with null")
        : cause;
  }
}
