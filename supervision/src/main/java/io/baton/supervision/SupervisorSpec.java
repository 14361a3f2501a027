package io.baton.supervision;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A supervisor's flags and its children: OTP's {@code {SupFlags, [ChildSpec]}} as an immutable,
 * validated value.
 *
 * <p>Defaults, as in OTP: intensity 1 restart in a period of 5 seconds, {@link AutoShutdown#NEVER},
 * the system ticker. More than {@code intensity} restarts within {@code period} make the supervisor
 * stop all its children and exit with reason {@code shutdown}, which its own parent then handles.
 *
 * @param strategy which children restart together
 * @param intensity restarts allowed within {@code period}; 0 means none
 * @param period the sliding window restarts are counted in
 * @param autoShutdown whether significant children's exits stop the supervisor
 * @param children in start order; exactly one dynamic template for {@link
 *     Strategy#SIMPLE_ONE_FOR_ONE}
 * @param ticker the monotonic clock for the restart window
 * @param shutdownPhase for a root tree, the coordinated-shutdown phase it stops in; {@code null}
 *     means {@code baton.supervision.shutdown-phase} (ignored below the root)
 */
public record SupervisorSpec(
    Strategy strategy,
    int intensity,
    Duration period,
    AutoShutdown autoShutdown,
    List<ChildSpec> children,
    Ticker ticker,
    String shutdownPhase) {

  public SupervisorSpec {
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(period, "period");
    Objects.requireNonNull(autoShutdown, "autoShutdown");
    Objects.requireNonNull(ticker, "ticker");
    children = List.copyOf(children);
    if (intensity < 0) {
      throw new IllegalArgumentException(
          "intensity must be 0 or more (restarts allowed per period), was " + intensity);
    }
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("period must be positive, was " + period);
    }
    Set<String> ids = new HashSet<>();
    for (ChildSpec child : children) {
      if (!ids.add(child.id())) {
        throw new IllegalArgumentException(
            "duplicate child id '" + child.id() + "': every child of a supervisor needs its own id");
      }
      checkChild(child, strategy, autoShutdown);
    }
    if (strategy == Strategy.SIMPLE_ONE_FOR_ONE && children.size() != 1) {
      throw new IllegalArgumentException(
          "a SIMPLE_ONE_FOR_ONE supervisor needs exactly one child spec (the template), had "
              + children.size());
    }
  }

  static void checkChild(ChildSpec child, Strategy strategy, AutoShutdown autoShutdown) {
    if (child.significant() && autoShutdown == AutoShutdown.NEVER) {
      throw new IllegalArgumentException(
          "child '" + child.id() + "' is significant but the supervisor's autoShutdown is NEVER;"
              + " set autoShutdown to ANY_SIGNIFICANT or ALL_SIGNIFICANT, or make it not significant");
    }
    if (child.isDynamic() && strategy != Strategy.SIMPLE_ONE_FOR_ONE) {
      throw new IllegalArgumentException(
          "child '" + child.id() + "' is a dynamic template (it takes a start argument); only a"
              + " SIMPLE_ONE_FOR_ONE supervisor can have one. Use ChildSpec.worker for static children");
    }
    if (!child.isDynamic() && strategy == Strategy.SIMPLE_ONE_FOR_ONE) {
      throw new IllegalArgumentException(
          "the template '" + child.id() + "' of a SIMPLE_ONE_FOR_ONE supervisor must be made with"
              + " ChildSpec.dynamicWorker (it takes the argument of startChild)");
    }
  }

  private static SupervisorSpec of(Strategy strategy) {
    return new SupervisorSpec(
        strategy, 1, Duration.ofSeconds(5), AutoShutdown.NEVER, List.of(), Ticker.system(), null);
  }

  public static SupervisorSpec oneForOne() {
    return of(Strategy.ONE_FOR_ONE);
  }

  public static SupervisorSpec oneForAll() {
    return of(Strategy.ONE_FOR_ALL);
  }

  public static SupervisorSpec restForOne() {
    return of(Strategy.REST_FOR_ONE);
  }

  /** A simple_one_for_one supervisor of dynamic children made from {@code template}. */
  public static SupervisorSpec simpleOneForOne(ChildSpec template) {
    return new SupervisorSpec(Strategy.SIMPLE_ONE_FOR_ONE, 1, Duration.ofSeconds(5),
        AutoShutdown.NEVER, List.of(template), Ticker.system(), null);
  }

  /** At most {@code intensity} restarts within {@code period}. */
  public SupervisorSpec withIntensity(int intensity, Duration period) {
    return new SupervisorSpec(strategy, intensity, period, autoShutdown, children, ticker,
        shutdownPhase);
  }

  public SupervisorSpec withAutoShutdown(AutoShutdown autoShutdown) {
    return new SupervisorSpec(strategy, intensity, period, autoShutdown, children, ticker,
        shutdownPhase);
  }

  /** A copy with {@code child} added after the existing children. */
  public SupervisorSpec withChild(ChildSpec child) {
    List<ChildSpec> more = new ArrayList<>(children);
    more.add(child);
    return withChildren(more);
  }

  public SupervisorSpec withChildren(List<ChildSpec> children) {
    return new SupervisorSpec(strategy, intensity, period, autoShutdown, children, ticker,
        shutdownPhase);
  }

  public SupervisorSpec withTicker(Ticker ticker) {
    return new SupervisorSpec(strategy, intensity, period, autoShutdown, children, ticker,
        shutdownPhase);
  }

  /**
   * For a root tree: stop in coordinated-shutdown phase {@code phase} rather than in {@code
   * baton.supervision.shutdown-phase} (a tree whose services others use until the node has left
   * the cluster stops late, e.g. in {@code before-actor-system-terminate}). The phase is checked
   * when the tree starts.
   */
  public SupervisorSpec withShutdownPhase(String phase) {
    Objects.requireNonNull(phase, "phase");
    return new SupervisorSpec(strategy, intensity, period, autoShutdown, children, ticker, phase);
  }
}
