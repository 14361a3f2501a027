package io.baton.ops;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code baton-upgrade-hold --via host:port}: holds the version gate cluster-wide through any
 * node's operator endpoint ({@code POST /upgrade/hold}): no active schema version advances, so the
 * previous release can still read everything and rolling back stays possible.
 */
@Command(
    name = "baton-upgrade-hold",
    mixinStandardHelpOptions = true,
    versionProvider = StatusCommand.Version.class,
    description = "Holds the version gate: no schema version advances until"
        + " baton-upgrade-release, so that rolling back to the previous jar stays possible.")
public final class UpgradeHoldCommand extends UpgradeGateCommand {

  public static void main(String[] args) {
    System.exit(new CommandLine(new UpgradeHoldCommand()).execute(args));
  }

  @Override
  String action() {
    return "hold";
  }
}
