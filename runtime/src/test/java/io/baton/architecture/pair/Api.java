package io.baton.architecture.pair;

/** A package that uses its own internal package, which uses it back: allowed. */
public final class Api {
  /** Names the internal half. */
  public static io.baton.architecture.pair.internal.Impl impl() {
    return null;
  }
}
