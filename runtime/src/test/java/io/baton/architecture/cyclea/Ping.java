package io.baton.architecture.cyclea;

/** Half of a package cycle, for {@code PackageCycleTest} to show that its rule can fail. */
public final class Ping {
  /** Names the other half. */
  public static io.baton.architecture.cycleb.Pong other() {
    return null;
  }
}
