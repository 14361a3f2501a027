package io.baton.load;

/**
 * The final outcome of one logical request, after all its attempts. Every request ends in exactly
 * one of these.
 */
public enum Outcome {
  /** 200 with {@code "reply":"applied"}: this request applied it. */
  OK,
  /** 200 with {@code "reply":"already-applied"}: an earlier delivery of the same key applied it. */
  ALREADY_APPLIED,
  /** 409: the entity rejected the key, final for it (e.g. {@code deadline-passed}). */
  REJECTED,
  /** Another 4xx (400, 404): the request itself is wrong; retrying it as it is cannot help. */
  CLIENT_ERROR,
  /** No final answer before the give-up time: the request may or may not have been applied. */
  FAILED;

  /** Whether the entity acknowledged the request as applied (now or earlier). */
  public boolean acknowledged() {
    return this == OK || this == ALREADY_APPLIED;
  }
}
