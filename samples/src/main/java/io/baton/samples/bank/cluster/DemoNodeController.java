package io.baton.samples.bank.cluster;

import io.baton.upgrade.rolling.NodeControlException;
import io.baton.upgrade.rolling.NodeController;
import io.baton.upgrade.rolling.UpgradeTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The {@link NodeController} of {@link BankClusterDemo}'s rolling upgrade: it acts on the demo's
 * own node processes ({@link NodeProcess}) by PID, and starts a node again through the demo, with
 * the same flags, ports and data directory, on the jar it is given: a bank release is nothing but
 * a jar ({@link ReleaseJars}).
 *
 * <p>Calls come from the thread that runs the upgrade, as {@link NodeController} says.
 */
final class DemoNodeController implements NodeController {

  /** How the demo reaches its node processes. */
  interface Nodes {
    /** The node's current process, or null if the demo has none by that name. */
    NodeProcess current(String name);

    /** Starts the node again from {@code jar}, same flags, ports and data directory. */
    NodeProcess relaunch(String name, Path jar) throws ClusterDemoFailed;
  }

  private final Nodes nodes;
  private final Set<String> launched = new HashSet<>();

  DemoNodeController(Nodes nodes) {
    this.nodes = nodes;
  }

  @Override
  public void stop(UpgradeTarget node, Duration timeout) throws NodeControlException {
    Process process = process(node);
    process.destroy(); // SIGTERM: the node leaves the cluster, then exits
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          throw new NodeControlException(node.name() + " (pid " + process.pid() + ") still runs"
              + " " + timeout + " after SIGTERM and 10 s after SIGKILL");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NodeControlException("interrupted while stopping " + node.name());
    }
  }

  @Override
  public void kill(UpgradeTarget node) throws NodeControlException {
    Process process = process(node);
    process.destroyForcibly();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new NodeControlException(node.name() + " (pid " + process.pid() + ") still runs"
            + " 10 s after SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NodeControlException("interrupted while killing " + node.name());
    }
  }

  @Override
  public void start(UpgradeTarget node, String jar) throws NodeControlException {
    try {
      nodes.relaunch(node.name(), Path.of(jar));
      launched.add(node.name());
    } catch (ClusterDemoFailed e) {
      throw new NodeControlException(e.getMessage() + (e.getCause() == null ? ""
          : " (" + e.getCause() + ")"));
    }
  }

  @Override
  public OptionalInt exitStatus(UpgradeTarget node) {
    NodeProcess current = nodes.current(node.name());
    if (!launched.contains(node.name()) || current == null || current.process.isAlive()) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(current.process.exitValue());
  }

  @Override
  public String describe(UpgradeTarget node) {
    NodeProcess current = nodes.current(node.name());
    return current == null ? node.toString() : node.name() + ", pid " + current.pid();
  }

  private Process process(UpgradeTarget node) throws NodeControlException {
    NodeProcess current = nodes.current(node.name());
    if (current == null) {
      throw new NodeControlException("the demo started no node named " + node.name());
    }
    return current.process;
  }
}
