package io.baton.supervision;

/** What else a supervisor restarts when one child must be restarted (OTP's {@code strategy}). */
public enum Strategy {
  /** Only the child that exited. */
  ONE_FOR_ONE,
  /** Every child: the others are stopped in reverse start order, then all start in order. */
  ONE_FOR_ALL,
  /** The child and every child started after it, stopped in reverse order and started in order. */
  REST_FOR_ONE,
  /**
   * One child spec, many dynamic instances started with {@code startChild(args)}, each restarted
   * on its own as with {@link #ONE_FOR_ONE}.
   */
  SIMPLE_ONE_FOR_ONE
}
