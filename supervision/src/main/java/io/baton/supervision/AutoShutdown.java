package io.baton.supervision;

/**
 * Whether the exit of <em>significant</em> children stops the supervisor (OTP 24's {@code
 * auto_shutdown}). It applies only when a significant child exits by itself and is not
 * restarted, never when the supervisor stopped the child.
 */
public enum AutoShutdown {
  /** Never; significant children are not allowed. The default. */
  NEVER,
  /** The supervisor shuts down when any significant child exits. */
  ANY_SIGNIFICANT,
  /** The supervisor shuts down when the last running significant child exits. */
  ALL_SIGNIFICANT
}
