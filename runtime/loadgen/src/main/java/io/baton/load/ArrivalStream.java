package io.baton.load;

import java.util.Objects;

/**
 * A stream of requests at a fixed arrival rate: request {@code i} (from 0) is due at {@code t0 +
 * i / ratePerSecond}, where {@code t0} is the start of the run, whatever happened to the requests
 * before it. Several streams run at once, each at its own rate.
 *
 * @param name the stream's name in the history and the summary (e.g. {@code transfers})
 * @param ratePerSecond requests a second, positive
 * @param source makes request {@code i}; called on the generator's scheduler thread, so it must
 *     be quick and must not block
 */
public record ArrivalStream(String name, double ratePerSecond, RequestSource source) {

  /** Makes the requests of a stream. */
  @FunctionalInterface
  public interface RequestSource {
    /** The request with index {@code index} (0, 1, 2, ...) of the stream. */
    LoadRequest request(long index);
  }

  /** Validates: a non-blank name, a positive finite rate, a source. */
  public ArrivalStream {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a stream needs a name (e.g. \"transfers\")");
    }
    if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException("rate of stream '" + name + "' is " + ratePerSecond
          + ": give a positive number of requests a second");
    }
    Objects.requireNonNull(source, "source");
  }

  /** A stream named {@code name} of {@code ratePerSecond} requests a second from {@code source}. */
  public static ArrivalStream of(String name, double ratePerSecond, RequestSource source) {
    return new ArrivalStream(name, ratePerSecond, source);
  }

  /** When request {@code index} is due, in nanoseconds after the start of the run. */
  public long dueNanos(long index) {
    return (long) (index * 1e9 / ratePerSecond);
  }
}
