package io.baton.benchmarks.cluster;

/** What a client asks a Baton benchmark counter ({@link BatonCounter}): add one, or read. */
public enum CounterOp {
  /** Add one; applied at most once per idempotency key. */
  INCREMENT,
  /** Read the count; not recorded. */
  GET
}
