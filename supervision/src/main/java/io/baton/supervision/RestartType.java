package io.baton.supervision;

/**
 * When a child is restarted after it exits by itself (OTP's {@code restart} key). Exits caused by
 * the supervisor itself (a shutdown, {@code terminateChild}) never restart anything.
 */
public enum RestartType {
  /** Always restarted, whatever the exit reason. The default. */
  PERMANENT,
  /** Restarted only after an abnormal exit: not after {@code normal} or {@code shutdown}. */
  TRANSIENT,
  /** Never restarted; removed from the supervisor when it exits. */
  TEMPORARY
}
