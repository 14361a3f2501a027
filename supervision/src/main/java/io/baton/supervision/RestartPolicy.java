package io.baton.supervision;

import io.baton.process.ExitReason;

/**
 * The one decision OTP's {@code do_restart} makes, as a pure function: what happens to a child
 * that exited by itself.
 */
public final class RestartPolicy {

  /** The outcome of a child's own exit. */
  public enum AfterExit {
    /** Restart it (counted against the restart intensity). */
    RESTART,
    /** Keep its spec, not running (a transient child that ended normally). */
    KEEP,
    /** Remove it (a temporary child, or a dynamic child that will not be restarted). */
    DELETE
  }

  private RestartPolicy() {}

  /**
   * Permanent: always restart. Transient: restart unless the reason is {@code normal} or {@code
   * shutdown}/{@code {shutdown, Term}}. Temporary: never, and delete. A dynamic (simple_one_for_one)
   * child that is not restarted is deleted, since it has no spec of its own to keep.
   */
  public static AfterExit afterExit(RestartType restart, ExitReason reason, boolean dynamic) {
    switch (restart) {
      case PERMANENT:
        return AfterExit.RESTART;
      case TRANSIENT:
        if (!reason.isNormalOrShutdown()) {
          return AfterExit.RESTART;
        }
        return dynamic ? AfterExit.DELETE : AfterExit.KEEP;
      case TEMPORARY:
      default:
        return AfterExit.DELETE;
    }
  }
}
