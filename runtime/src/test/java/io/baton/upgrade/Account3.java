package io.baton.upgrade;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.serialization.ClusterSerializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A class at schema version 3, declared with {@link MigratedBy}: version 1 was {@code {owner,
 * balance}}, version 2 renamed {@code balance} to {@code balanceCents}, version 3 added {@code
 * currency} (EUR for older data). It can write version 2, not version 1.
 */
@MigratedBy(Account3.Migration.class)
record Account3(String owner, long balanceCents, String currency) implements ClusterSerializable {

  /** Every step the migrations ran, in order, so tests can check the chain and its order. */
  static final List<String> STEPS = java.util.Collections.synchronizedList(new ArrayList<>());

  public static final class Migration extends SchemaMigration {
    @Override
    public int currentVersion() {
      return 3;
    }

    @Override
    public int oldestWritableVersion() {
      return 2;
    }

    @Override
    public JsonNode upgrade(int fromVersion, JsonNode json) {
      ObjectNode node = (ObjectNode) json;
      if (fromVersion < 2) {
        STEPS.add("1->2");
        node.set("balanceCents", node.remove("balance"));
      }
      if (fromVersion < 3) {
        STEPS.add("2->3");
        node.put("currency", "EUR");
      }
      return node;
    }

    @Override
    public JsonNode downgrade(int toVersion, JsonNode json) {
      STEPS.add("3->2");
      ObjectNode node = (ObjectNode) json;
      node.remove("currency");
      return node;
    }
  }
}
