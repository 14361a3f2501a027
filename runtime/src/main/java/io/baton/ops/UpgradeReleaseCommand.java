package io.baton.ops;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code baton-upgrade-release --via host:port}: releases the version gate's hold cluster-wide
 * ({@code POST /upgrade/release}): each class's active version advances as soon as every member
 * supports the new one. After that, a jar older than the active versions cannot rejoin.
 */
@Command(
    name = "baton-upgrade-release",
    mixinStandardHelpOptions = true,
    versionProvider = StatusCommand.Version.class,
    description = "Releases the version gate: schema versions advance once every member supports"
        + " them. Rolling back below an advanced version is no longer possible.")
public final class UpgradeReleaseCommand extends UpgradeGateCommand {

  public static void main(String[] args) {
    System.exit(new CommandLine(new UpgradeReleaseCommand()).execute(args));
  }

  @Override
  String action() {
    return "release";
  }
}
