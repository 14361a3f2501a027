package io.baton.process;

import java.util.Objects;

/**
 * Thrown by a behaviour to exit with a chosen {@link ExitReason}, like Erlang's {@code exit(Reason)}:
 * {@code throw new ProcessExit(ExitReason.shutdown("done"))}. To exit normally, return {@code
 * Behaviors.stopped()} instead.
 *
 * <p>It carries no stack trace: it is a control signal, and a process killed over a link or by
 * its supervisor throws one on the hot path of a restart.
 */
public final class ProcessExit extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient ExitReason reason;

  public ProcessExit(ExitReason reason) {
    super("process exit: " + Objects.requireNonNull(reason, "reason"), causeOf(reason), false, false);
    this.reason = reason;
  }

  private static Throwable causeOf(ExitReason reason) {
    return reason instanceof ExitReason.Abnormal abnormal ? abnormal.cause() : null;
  }

  /** The reason this process exits with. */
  public ExitReason reason() {
    return reason;
  }
}
