package io.baton.supervision;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * One child as {@link Supervisor.WhichChildren} reports it: OTP's {@code {Id, Child, Type,
 * Modules}}.
 *
 * @param id the child spec's id (the template's id for a dynamic child)
 * @param child the running child, or {@code null} when it is not running
 * @param status running, restarting (a restart attempt failed and will be tried again) or
 *     undefined (not running)
 * @param type worker or supervisor
 */
public record ChildInfo(String id, ActorRef<?> child, Status status, ChildType type) {

  /** OTP's {@code Pid | restarting | undefined}. */
  public enum Status {
    RUNNING,
    RESTARTING,
    UNDEFINED
  }

  /** The child's ref narrowed to the message type the caller knows it has. */
  @SuppressWarnings("unchecked")
  public <T> ActorRef<T> childAs(Class<T> messageType) {
    return (ActorRef<T>) child;
  }
}
