/**
 * The rolling upgrade: {@link io.baton.upgrade.rolling.RollingUpgrade} takes a list of nodes to a
 * new jar one at a time in ring order, graceful (drain first) or by crash ({@link
 * io.baton.upgrade.rolling.UpgradeMode}), through a {@link io.baton.upgrade.rolling.NodeController}
 * and the operator endpoints ({@link io.baton.upgrade.rolling.ClusterProbe}); it reports every
 * phase ({@link io.baton.upgrade.rolling.UpgradeProgress}) and stops at the first node that fails
 * with an {@link io.baton.upgrade.rolling.UpgradeReport}. {@link
 * io.baton.upgrade.rolling.RollingUpgradeCommand} is its command line ({@code upgrade}).
 *
 * <p>It sits above the operator layer ({@code io.baton.ops}) whose status it reads, and above
 * {@code io.baton.upgrade}, the schema versions and version gate inside each node (decision 0023:
 * docs/decisions/0023-package-layers.md; design: docs/decisions/0015-rolling-upgrade.md).
 */
package io.baton.upgrade.rolling;
