package io.baton.upgrade;

import java.util.Map;
import java.util.function.Function;

/**
 * The {@link ActiveVersions} the version gate installs: its decision (the active version of every
 * class some member reported) and the operator's hold, applied by {@link VersionGate#writeAt}.
 * Immutable; the gate installs a new one on every change.
 *
 * @param decided class name to active version, as {@link VersionGate#decide} returned it
 * @param hold whether an operator holds the upgrade ({@link UpgradeGate}): then {@code decided}
 *     does not advance
 * @param schemas how this node knows a class by name (empty for a name it does not know)
 */
public record GatedVersions(Map<String, Integer> decided, boolean hold,
    Function<String, java.util.Optional<ClassSchema>> schemas) implements ActiveVersions {

  /** Copies the decision. */
  public GatedVersions {
    decided = Map.copyOf(decided);
  }

  @Override
  public int activeVersion(String className, int currentVersion) {
    return schemas.apply(className)
        .map(schema -> VersionGate.writeAt(schema, decided.get(className)))
        .orElse(currentVersion);
  }
}
