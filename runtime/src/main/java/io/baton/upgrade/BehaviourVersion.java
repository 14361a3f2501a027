package io.baton.upgrade;

/**
 * The version of an entity type's behaviour, declared when the type is registered ({@code
 * node.register(entity, BehaviourVersion.of(2, "overdraft limit"))}) and shown per node by the
 * operator status, so that during a rolling upgrade operators see which nodes run which behaviour.
 * A type registered without one is at version 1.
 *
 * <p>It names the behaviour (its commands and rules); the schema versions of its events and state
 * are declared on their classes ({@link MigratedBy}) and move independently.
 *
 * @param number at least 1; a new release of the behaviour takes the next number
 * @param description what changed in it, for people (may be empty)
 */
public record BehaviourVersion(int number, String description) {

  /** The version of a type registered without one. */
  public static final BehaviourVersion FIRST = new BehaviourVersion(1, "");

  /** Validates; the error names the bad value and what is allowed. */
  public BehaviourVersion {
    if (number < 1) {
      throw new IllegalArgumentException("behaviour version " + number + ": must be at least 1");
    }
    if (description == null) {
      throw new IllegalArgumentException("behaviour version " + number
          + ": the description must not be null (use \"\" for none)");
    }
  }

  public static BehaviourVersion of(int number) {
    return new BehaviourVersion(number, "");
  }

  public static BehaviourVersion of(int number, String description) {
    return new BehaviourVersion(number, description);
  }

  /** As the status shows it: {@code 2}, or {@code 2 (overdraft limit)}. */
  public String display() {
    return description.isEmpty() ? String.valueOf(number) : number + " (" + description + ")";
  }
}
