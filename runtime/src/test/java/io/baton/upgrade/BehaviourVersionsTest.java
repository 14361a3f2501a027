package io.baton.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the status shows per entity type: the declared behaviour version, 1 by default. */
@Timeout(30)
class BehaviourVersionsTest {

  @Test
  void declaredVersionsAreShownByTypeAndUndeclaredTypesAreVersion1() {
    try (Release node = Release.start("behaviours", "")) {
      BehaviourVersions versions = BehaviourVersions.get(node.kit.system());
      versions.declare("transfer", BehaviourVersion.of(2, "overdraft limit"));
      versions.declareDefault("transfer"); // as register(entity) does after the overload
      versions.declareDefault("account");
      assertEquals(Map.of("account", "1", "transfer", "2 (overdraft limit)"),
          versions.forStatus());
      assertEquals(List.of("account", "transfer"), List.copyOf(versions.forStatus().keySet()));

      versions.declare("transfer", BehaviourVersion.of(2, "overdraft limit"));
      IllegalStateException error = assertThrows(IllegalStateException.class,
          () -> versions.declare("transfer", BehaviourVersion.of(3)));
      assertTrue(error.getMessage().contains("already registered at behaviour version 2"),
          error.getMessage());
    }
  }
}
