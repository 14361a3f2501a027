package io.baton.upgrade.rolling;

/** A {@link NodeController} could not do what it was asked; the message says what and why. */
public final class NodeControlException extends Exception {

  public NodeControlException(String message) {
    super(message);
  }

  public NodeControlException(String message, Throwable cause) {
    super(message, cause);
  }
}
