package io.baton.supervision;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.Behavior;

/**
 * How a supervisor starts, restarts and stops one child: OTP's child specification, as an
 * immutable value checked when it is built.
 *
 * <p>Defaults, as in OTP: {@link RestartType#PERMANENT}, not significant, shutdown a 5 second
 * timeout for workers and {@link Shutdown#infinity()} for supervisors. The default shutdown
 * follows the type: {@code worker(..).withType(SUPERVISOR)} is stopped with {@code infinity}
 * unless a shutdown was set with {@link #withShutdown}, which then wins whatever the type. Change
 * the defaults with the {@code withX} methods, which return copies.
 *
 * @param id unique among the supervisor's children; names the child in every report
 * @param argumentType the type of the start argument for a dynamic (simple_one_for_one) child, or
 *     {@code null} for a static child, which takes none
 * @param start makes a fresh behaviour for each (re)start, from the argument ({@code null} for a
 *     static child)
 * @param restart when the child is restarted
 * @param significant whether its exit may stop the supervisor (see {@link AutoShutdown})
 * @param shutdown how it is stopped; {@code null} means the default for its {@code type} (see
 *     {@link #shutdown()})
 * @param type worker or supervisor
 */
public record ChildSpec(
    String id,
    Class<?> argumentType,
    Function<Object, ? extends Behavior<?>> start,
    RestartType restart,
    boolean significant,
    Shutdown shutdown,
    ChildType type) {

  /** The default shutdown of a worker, as in OTP. */
  public static final Duration DEFAULT_WORKER_SHUTDOWN = Duration.ofSeconds(5);

  public ChildSpec {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("child id must be a non-empty string, was '" + id + "'");
    }
    Objects.requireNonNull(start, () -> "child '" + id + "': start must not be null");
    Objects.requireNonNull(restart, () -> "child '" + id + "': restart must not be null");
    Objects.requireNonNull(type, () -> "child '" + id + "': type must not be null");
    if (significant && restart == RestartType.PERMANENT) {
      throw new IllegalArgumentException(
          "child '" + id + "': a permanent child cannot be significant (it is always restarted);"
              + " make it TRANSIENT or TEMPORARY, or not significant");
    }
  }

  /** A permanent worker started by {@code start}, with a 5 second shutdown. */
  public static ChildSpec worker(String id, Supplier<? extends Behavior<?>> start) {
    Objects.requireNonNull(start, "start");
    return new ChildSpec(
        id,
        null,
        ignored -> start.get(),
        RestartType.PERMANENT,
        false,
        null,
        ChildType.WORKER);
  }

  /**
   * The template of a simple_one_for_one supervisor: each {@code startChild(argument)} makes a new
   * worker from {@code start} applied to the argument, which must be an {@code argumentType}.
   */
  @SuppressWarnings("unchecked")
  public static <A> ChildSpec dynamicWorker(
      String id, Class<A> argumentType, Function<A, ? extends Behavior<?>> start) {
    Objects.requireNonNull(argumentType, "argumentType");
    Objects.requireNonNull(start, "start");
    return new ChildSpec(
        id,
        argumentType,
        argument -> start.apply((A) argument),
        RestartType.PERMANENT,
        false,
        null,
        ChildType.WORKER);
  }

  /** A permanent child supervisor running {@code spec}, stopped with {@link Shutdown#infinity()}. */
  public static ChildSpec supervisor(String id, SupervisorSpec spec) {
    Objects.requireNonNull(spec, "spec");
    return new ChildSpec(
        id,
        null,
        ignored -> Supervisor.create(spec),
        RestartType.PERMANENT,
        false,
        null,
        ChildType.SUPERVISOR);
  }

  public ChildSpec withRestart(RestartType restart) {
    return new ChildSpec(id, argumentType, start, restart, significant, shutdown, type);
  }

  public ChildSpec withSignificant(boolean significant) {
    return new ChildSpec(id, argumentType, start, restart, significant, shutdown, type);
  }

  /** A copy stopped with {@code shutdown}, whatever its type. */
  public ChildSpec withShutdown(Shutdown shutdown) {
    Objects.requireNonNull(shutdown, () -> "child '" + id + "': shutdown must not be null");
    return new ChildSpec(id, argumentType, start, restart, significant, shutdown, type);
  }

  /** A copy of type {@code type}; a shutdown not set explicitly becomes that type's default. */
  public ChildSpec withType(ChildType type) {
    return new ChildSpec(id, argumentType, start, restart, significant, shutdown, type);
  }

  /**
   * How the child is stopped: the shutdown set with {@link #withShutdown}, or else the default for
   * its type, OTP's: a {@link #DEFAULT_WORKER_SHUTDOWN} timeout for a worker, {@link
   * Shutdown#infinity()} for a supervisor.
   */
  @Override
  public Shutdown shutdown() {
    if (shutdown != null) {
      return shutdown;
    }
    return type == ChildType.SUPERVISOR ? INFINITY : WORKER_DEFAULT;
  }

  /** Whether the shutdown was set explicitly (with {@link #withShutdown}) rather than by type. */
  public boolean hasExplicitShutdown() {
    return shutdown != null;
  }

  private static final Shutdown WORKER_DEFAULT = Shutdown.timeout(DEFAULT_WORKER_SHUTDOWN);
  private static final Shutdown INFINITY = Shutdown.infinity();

  /** Whether this is a template for dynamic children (it takes a start argument). */
  public boolean isDynamic() {
    return argumentType != null;
  }
}
