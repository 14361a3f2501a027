package io.baton.supervision;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** A start mode that fails the next N starts, then succeeds. */
final class FailingStarts implements Supplier<TestChild.StartMode> {
  private final AtomicInteger failuresLeft = new AtomicInteger();

  void failNext(int starts) {
    failuresLeft.set(starts);
  }

  @Override
  public TestChild.StartMode get() {
    return failuresLeft.getAndDecrement() > 0 ? TestChild.StartMode.FAIL : TestChild.StartMode.OK;
  }
}
