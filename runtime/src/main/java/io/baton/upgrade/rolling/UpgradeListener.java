package io.baton.upgrade.rolling;

/**
 * Receives the progress of a {@link RollingUpgrade}, on the thread that runs it, in order: a
 * listener that blocks holds the upgrade up (tests use that to act between phases).
 */
@FunctionalInterface
public interface UpgradeListener {

  void onProgress(UpgradeProgress progress);
}
