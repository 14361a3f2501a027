package io.baton.architecture.pair.internal;

/** The internal half of {@code Api}: it may use its API package. */
public final class Impl {
  /** Names the API half. */
  public static io.baton.architecture.pair.Api api() {
    return null;
  }
}
