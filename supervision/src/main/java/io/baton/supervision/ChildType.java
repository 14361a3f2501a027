package io.baton.supervision;

/** Whether a child is a worker or a supervisor (OTP's {@code type} key); it sets the default shutdown. */
public enum ChildType {
  /** A worker: default shutdown is a 5 second timeout. */
  WORKER,
  /** A supervisor: default shutdown is {@link Shutdown#infinity()}, so it can stop its own tree. */
  SUPERVISOR
}
