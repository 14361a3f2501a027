package io.baton.supervision;

import java.time.Duration;
import java.util.Objects;

/**
 * How a supervisor stops a child (OTP's {@code shutdown} key).
 *
 * <p>{@link BrutalKill} stops the child at once ({@code context.stop}); its links see {@code
 * killed}. {@link Timeout} and {@link Infinity} send the child an exit signal with reason {@code
 * shutdown}: a child that does not trap exits stops when it reaches the signal in its mailbox; a
 * trapping child gets an {@code ExitSignal} message, cleans up and stops itself. Under {@link
 * Timeout} a child still alive when the time runs out is stopped by force and counts as
 * {@code killed}.
 */
public sealed interface Shutdown {

  /** OTP's {@code brutal_kill}. */
  record BrutalKill() implements Shutdown {}

  /** A positive time to stop gracefully before being killed. */
  record Timeout(Duration duration) implements Shutdown {
    public Timeout {
      Objects.requireNonNull(duration, "duration");
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException(
            "shutdown timeout must be positive, was " + duration
                + "; use Shutdown.brutalKill() to stop a child at once");
      }
    }
  }

  /** Wait for the child for as long as it takes; the default for supervisors. */
  record Infinity() implements Shutdown {}

  static Shutdown brutalKill() {
    return new BrutalKill();
  }

  static Shutdown timeout(Duration duration) {
    return new Timeout(duration);
  }

  static Shutdown infinity() {
    return new Infinity();
  }
}
