package io.baton.architecture.cycleb;

/** The other half of a package cycle, for {@code PackageCycleTest}. */
public final class Pong {
  /** Names the first half. */
  public static io.baton.architecture.cyclea.Ping other() {
    return null;
  }
}
