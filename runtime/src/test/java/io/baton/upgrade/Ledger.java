package io.baton.upgrade;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.serialization.ClusterSerializable;

/**
 * Two releases of one ledger in one JVM. Release 1's classes are {@code V1.*}; release 2's are
 * {@code V2.*}, with a renamed field ({@code amount} became {@code amountCents}). A JVM holds only
 * one class per name, so release 2's classes carry other names, and their migrations map between
 * the names ({@code upgradeClassName}/{@code downgradeClassName}) as a renamed class's would: to
 * release 1, the data release 2 writes down is byte for byte what release 1 writes itself.
 *
 * <p>Release 2's migrations are named by configuration ({@link #RELEASE_2}), not annotation, so
 * that a system configured as release 1 does not see them.
 */
final class Ledger {

  private Ledger() {}

  /** Release 1: no migrations, every class at version 1. */
  static final String RELEASE_1 = "";

  /** Release 2: both names of each class map to its migration. */
  static final String RELEASE_2 = """
      baton.upgrade.migrations {
        "io.baton.upgrade.Ledger$V1$Deposited" = "io.baton.upgrade.Ledger$DepositedMigration"
        "io.baton.upgrade.Ledger$V2$Deposited" = "io.baton.upgrade.Ledger$DepositedMigration"
        "io.baton.upgrade.Ledger$V1$Balance" = "io.baton.upgrade.Ledger$BalanceMigration"
        "io.baton.upgrade.Ledger$V2$Balance" = "io.baton.upgrade.Ledger$BalanceMigration"
      }
      """;

  /** Release 1's classes. */
  static final class V1 {
    private V1() {}

    record Deposited(long amount) implements ClusterSerializable {}

    record Balance(long amount, int deposits) implements ClusterSerializable {}
  }

  /** Release 2's classes: the amount is now in cents, under another field name. */
  static final class V2 {
    private V2() {}

    record Deposited(long amountCents) implements ClusterSerializable {}

    record Balance(long amountCents, int deposits) implements ClusterSerializable {}
  }

  /** Version 2 renamed field {@code amount} to {@code amountCents}; it still writes version 1. */
  abstract static class AmountRenamed extends SchemaMigration {
    private final String v1Class;
    private final String v2Class;

    AmountRenamed(Class<?> v1, Class<?> v2) {
      this.v1Class = v1.getName();
      this.v2Class = v2.getName();
    }

    @Override
    public int currentVersion() {
      return 2;
    }

    @Override
    public int oldestWritableVersion() {
      return 1;
    }

    @Override
    public JsonNode upgrade(int fromVersion, JsonNode json) {
      ObjectNode node = (ObjectNode) json;
      node.set("amountCents", node.remove("amount"));
      return node;
    }

    @Override
    public String upgradeClassName(int fromVersion, String className) {
      return className.equals(v1Class) ? v2Class : className;
    }

    @Override
    public JsonNode downgrade(int toVersion, JsonNode json) {
      ObjectNode node = (ObjectNode) json;
      node.set("amount", node.remove("amountCents"));
      return node;
    }

    @Override
    public String downgradeClassName(int toVersion, String className) {
      return className.equals(v2Class) ? v1Class : className;
    }
  }

  public static final class DepositedMigration extends AmountRenamed {
    public DepositedMigration() {
      super(V1.Deposited.class, V2.Deposited.class);
    }
  }

  public static final class BalanceMigration extends AmountRenamed {
    public BalanceMigration() {
      super(V1.Balance.class, V2.Balance.class);
    }
  }
}
