package io.baton.supervision;

import io.baton.process.ExitReason;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The answer to a supervisor command: OTP's return values as a closed set. Each command's javadoc
 * says which of these it can answer.
 */
public sealed interface SupervisorReply {

  /** Done: OTP's {@code ok}. */
  record Ok() implements SupervisorReply {}

  /** The child started: OTP's {@code {ok, Pid}}. */
  record Started(ActorRef<?> child) implements SupervisorReply {}

  /**
   * The child's start stopped at once ({@code Behaviors.stopped()} from its setup): OTP's {@code
   * {ok, undefined}} after {@code init} returned {@code ignore}. The spec is kept, not running.
   */
  record Ignored() implements SupervisorReply {}

  /** A child with this id is running: OTP's {@code {error, {already_started, Pid}}}. */
  record AlreadyStarted(ActorRef<?> child) implements SupervisorReply {}

  /** A child spec with this id exists but is not running: OTP's {@code {error, already_present}}. */
  record AlreadyPresent() implements SupervisorReply {}

  /** The child is running, so it cannot be restarted or deleted: OTP's {@code {error, running}}. */
  record Running() implements SupervisorReply {}

  /** The child is between restart attempts: OTP's {@code {error, restarting}}. */
  record Restarting() implements SupervisorReply {}

  /** No child with this id (or ref): OTP's {@code {error, not_found}}. */
  record NotFound() implements SupervisorReply {}

  /** Not allowed on a simple_one_for_one supervisor: OTP's {@code {error, simple_one_for_one}}. */
  record SimpleOneForOne() implements SupervisorReply {}

  /** A child's spec, as asked by {@link Supervisor.GetChildSpec}: OTP's {@code {ok, ChildSpec}}. */
  record Spec(ChildSpec spec) implements SupervisorReply {}

  /** The child could not start, or the request was invalid: OTP's {@code {error, Reason}}. */
  record StartFailed(ExitReason reason) implements SupervisorReply {}

  SupervisorReply OK = new Ok();
}
