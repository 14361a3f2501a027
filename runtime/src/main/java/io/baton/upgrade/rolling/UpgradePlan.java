package io.baton.upgrade.rolling;

import java.util.List;
import java.util.Objects;

/**
 * What a {@link RollingUpgrade} does: which nodes, onto which jar, in which mode, from where.
 * Immutable; validated when built.
 *
 * @param targets the nodes to upgrade (at least one, distinct names); the upgrade orders them by
 *     the cluster's ring, not by this list, when every one of them answers
 * @param jar the new jar, handed to {@link NodeController#start}
 * @param mode graceful or crash
 * @param resumeFrom the name of the node to start from (the nodes before it in the upgrade order
 *     are taken as done), or null to upgrade all
 * @param expectedAppVersion the {@code baton.node.app-version} the new jar reports in {@code
 *     /status}, or null not to check it
 * @param deadlines how long each phase may wait
 * @param rollback whether {@code jar} is the previous release: then the run is refused when the
 *     cluster's version gate shows an active version above what the running jars can write down
 *     to (the previous release could not read what was written since)
 */
public record UpgradePlan(List<UpgradeTarget> targets, String jar, UpgradeMode mode,
    String resumeFrom, String expectedAppVersion, UpgradeDeadlines deadlines, boolean rollback) {

  public UpgradePlan {
    targets = List.copyOf(targets);
    Objects.requireNonNull(jar, "jar");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(deadlines, "deadlines");
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("an upgrade needs at least one node");
    }
    if (targets.stream().map(UpgradeTarget::name).distinct().count() != targets.size()) {
      throw new IllegalArgumentException("node names must be distinct: " + targets);
    }
    if (resumeFrom != null && targets.stream().noneMatch(t -> t.name().equals(resumeFrom)
        || t.endpoint().equals(resumeFrom))) {
      throw new IllegalArgumentException("resume from '" + resumeFrom + "': no such node among "
          + targets);
    }
  }

  /** A plan upgrading every target, no app version check, default deadlines. */
  public static UpgradePlan of(List<UpgradeTarget> targets, String jar, UpgradeMode mode) {
    return new UpgradePlan(targets, jar, mode, null, null, UpgradeDeadlines.DEFAULT, false);
  }

  public UpgradePlan withResumeFrom(String node) {
    return new UpgradePlan(targets, jar, mode, node, expectedAppVersion, deadlines, rollback);
  }

  public UpgradePlan withExpectedAppVersion(String version) {
    return new UpgradePlan(targets, jar, mode, resumeFrom, version, deadlines, rollback);
  }

  public UpgradePlan withDeadlines(UpgradeDeadlines value) {
    return new UpgradePlan(targets, jar, mode, resumeFrom, expectedAppVersion, value, rollback);
  }

  public UpgradePlan withRollback(boolean value) {
    return new UpgradePlan(targets, jar, mode, resumeFrom, expectedAppVersion, deadlines, value);
  }
}
