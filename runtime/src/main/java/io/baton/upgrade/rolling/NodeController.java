package io.baton.upgrade.rolling;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * How {@link RollingUpgrade} acts on one node's process: stop it, kill it, start it on a jar, and
 * tell whether the process it started has exited. The command line uses {@link
 * ProcessNodeController}; a demo or a test supplies its own (e.g. over a test harness).
 *
 * <p>Calls come from the one thread that runs the upgrade. A failure is reported by throwing
 * {@link NodeControlException} with what happened; the upgrade then stops with a report.
 */
public interface NodeController {

  /**
   * Stops the node gracefully (SIGTERM) and returns once its process has exited; if it has not
   * exited within {@code timeout}, kills it (SIGKILL) and waits for that.
   */
  void stop(UpgradeTarget node, Duration timeout) throws NodeControlException;

  /** Kills the node's process at once (SIGKILL) and returns once it has exited. */
  void kill(UpgradeTarget node) throws NodeControlException;

  /**
   * Starts the node on {@code jar} (a path, or whatever names the release for this controller) and
   * returns once the process is launched, not when it is ready.
   */
  void start(UpgradeTarget node, String jar) throws NodeControlException;

  /**
   * The exit status of the process that the last {@link #start} launched, once it has exited;
   * empty while it runs, or when this controller started none.
   */
  OptionalInt exitStatus(UpgradeTarget node);

  /** Where to look for the node's output and process, for the report (e.g. its log file). */
  default String describe(UpgradeTarget node) {
    return node.toString();
  }
}
