package io.baton.samples.supervision;

/**
 * A step of the supervision demo did not see what it waited for in time: a report was missing,
 * came out of order, or an actor did not answer. The message names the step, what was expected
 * and what was seen instead; the reports printed before it and the log show the rest.
 */
public final class DemoStepFailed extends Exception {
  private static final long serialVersionUID = 1L;

  DemoStepFailed(String message) {
    super(message);
  }

  DemoStepFailed(String message, Throwable cause) {
    super(message, cause);
  }
}
