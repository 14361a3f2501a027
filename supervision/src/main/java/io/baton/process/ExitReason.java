package io.baton.process;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Objects;

/**
 * Why a process (a Baton-aware actor) exited, or the reason carried by an exit signal: the Java
 * form of an Erlang exit reason.
 *
 * <p>The set is closed. {@link Normal} does not propagate over links; {@link Shutdown} (with or
 * without a term) is how a supervisor stops a child and is, with {@code Normal}, the reason a
 * transient child is <em>not</em> restarted for, and so is {@link FailedToStartChild}, OTP's
 * {@code {shutdown, {failed_to_start_child, Id, Reason}}}; everything else is abnormal. {@link
 * Kill} sent as a signal ({@link Links#exit}) cannot be trapped and makes the receiver exit {@link
 * Killed}; a process that <em>exits</em> with reason {@code kill} is seen as {@code kill} by its
 * links and monitors, and over a link that is an ordinary, trappable signal (as in Erlang).
 *
 * <p>Reasons cross nodes as JSON. An {@link Abnormal} keeps its {@link Throwable} locally, but
 * only the exception's class name and message travel.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = ExitReason.Normal.class, name = "normal"),
  @JsonSubTypes.Type(value = ExitReason.Shutdown.class, name = "shutdown"),
  @JsonSubTypes.Type(value = ExitReason.Kill.class, name = "kill"),
  @JsonSubTypes.Type(value = ExitReason.Killed.class, name = "killed"),
  @JsonSubTypes.Type(value = ExitReason.NoProc.class, name = "noproc"),
  @JsonSubTypes.Type(value = ExitReason.NodeDown.class, name = "nodedown"),
  @JsonSubTypes.Type(value = ExitReason.Abnormal.class, name = "abnormal"),
  @JsonSubTypes.Type(value = ExitReason.FailedToStartChild.class, name = "failed_to_start_child")
})
public sealed interface ExitReason {

  /** The process finished its work: Erlang's {@code normal}. Never propagates over a link. */
  record Normal() implements ExitReason {}

  /**
   * Stopped on purpose, usually by its supervisor: Erlang's {@code shutdown} or, with a term,
   * {@code {shutdown, Term}}. Not restarted when the child is transient.
   *
   * @param term an optional description; {@code null} for the plain {@code shutdown}
   */
  record Shutdown(String term) implements ExitReason {}

  /**
   * Erlang's {@code kill}. Sent with {@link Links#exit} it is untrappable and the receiver exits
   * {@link Killed}; as the exit reason of a process (thrown in a {@link ProcessExit}) it reaches
   * links and monitors unchanged, and a trapping link receives it as a message.
   */
  record Kill() implements ExitReason {}

  /** The process was killed: by a {@link Kill} signal, a brutal-kill shutdown or a shutdown timeout. */
  record Killed() implements ExitReason {}

  /**
   * The process was gone and gave no reason: it did not exist when linked or monitored, or it was
   * not a Baton process (a plain Pekko actor) and so could not say why it stopped.
   */
  record NoProc() implements ExitReason {}

  /**
   * The node the process lived on left the cluster (crashed, was downed or is unreachable for
   * good): Erlang's {@code noconnection}.
   *
   * @param address the Pekko address of the lost node
   */
  record NodeDown(String address) implements ExitReason {}

  /**
   * The process crashed: an exception escaped its behaviour.
   *
   * @param errorType the exception's class name
   * @param message the exception's message, may be {@code null}
   * @param cause the exception itself; {@code null} once the reason has crossed a node
   */
  record Abnormal(String errorType, String message, @JsonIgnore Throwable cause)
      implements ExitReason {
    public Abnormal {
      Objects.requireNonNull(errorType, "errorType");
    }

    /** Two abnormal reasons are equal when their type and message are, wherever they were made. */
    @Override
    public boolean equals(Object other) {
      return other instanceof Abnormal that
          && errorType.equals(that.errorType)
          && Objects.equals(message, that.message);
    }

    @Override
    public int hashCode() {
      return Objects.hash(errorType, message);
    }

    @Override
    public String toString() {
      return "Abnormal[" + errorType + (message == null ? "" : ": " + message) + "]";
    }
  }

  /**
   * A supervisor gave up because one of its children could not start: OTP's {@code {shutdown,
   * {failed_to_start_child, Id, Reason}}}. Counts as a shutdown (a transient parent does not
   * restart for it), and says which child failed and why, so that a caller can match on it.
   *
   * @param childId the id of the child whose start failed
   * @param cause why its start failed: its exit reason, itself a {@code FailedToStartChild} when
   *     the child was a supervisor whose own child failed
   */
  record FailedToStartChild(String childId, ExitReason cause) implements ExitReason {
    public FailedToStartChild {
      Objects.requireNonNull(childId, "childId");
      Objects.requireNonNull(cause, "cause");
    }
  }

  static ExitReason normal() {
    return NORMAL;
  }

  static ExitReason shutdown() {
    return SHUTDOWN;
  }

  static ExitReason shutdown(String term) {
    return new Shutdown(Objects.requireNonNull(term, "term"));
  }

  static ExitReason kill() {
    return KILL;
  }

  static ExitReason killed() {
    return KILLED;
  }

  static ExitReason noProc() {
    return NO_PROC;
  }

  static ExitReason nodeDown(String address) {
    return new NodeDown(address);
  }

  /**
   * The reason a process exits with when {@code failure} escaped its behaviour: the reason a
   * {@link ProcessExit} carries, or {@link Abnormal} for any other exception.
   */
  static ExitReason of(Throwable failure) {
    if (failure instanceof ProcessExit exit) {
      return exit.reason();
    }
    return new Abnormal(failure.getClass().getName(), failure.getMessage(), failure);
  }

  /** An abnormal reason described by text alone, for tests and for processes without an exception. */
  static ExitReason abnormal(String description) {
    return new Abnormal("error", description, null);
  }

  /** True for {@link Normal}: the reason that never propagates and never restarts a transient child. */
  @JsonIgnore
  default boolean isNormal() {
    return this instanceof Normal;
  }

  /**
   * True for {@link Normal}, {@link Shutdown} and {@link FailedToStartChild} (a {@code {shutdown,
   * Term}}): the reasons OTP treats as a deliberate end, for which a transient child is not
   * restarted and no error is reported.
   */
  @JsonIgnore
  default boolean isNormalOrShutdown() {
    return this instanceof Normal || this instanceof Shutdown || this instanceof FailedToStartChild;
  }

  ExitReason NORMAL = new Normal();
  ExitReason SHUTDOWN = new Shutdown(null);
  ExitReason KILL = new Kill();
  ExitReason KILLED = new Killed();
  ExitReason NO_PROC = new NoProc();
}
