package io.baton.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.baton.upgrade.internal.SchemaRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two releases side by side, as in a cluster halfway through a rolling upgrade: release 2 writes
 * down to version 1 while the cluster's active version is 1, and release 1 reads all of it; once
 * release 2 writes its own version, release 1 refuses it with a clear error instead of misreading.
 */
@Timeout(60)
class MixedReleasesTest {

  private Release release1;
  private Release release2;

  @BeforeEach
  void start() {
    release1 = Release.start("release1", Ledger.RELEASE_1);
    release2 = Release.start("release2", Ledger.RELEASE_2);
  }

  @AfterEach
  void stop() {
    release1.close();
    release2.close();
  }

  /** Written down by release 2, the data is exactly what release 1 writes itself. */
  @Test
  void release2WritingAtVersion1IsReadByRelease1AsItsOwn() throws Exception {
    release2.versions().useActiveVersions((name, current) -> 1);
    Release.Stored down = release2.write(new Ledger.V2.Deposited(500));
    Release.Stored own = release1.write(new Ledger.V1.Deposited(500));
    assertEquals(own.serializerId(), down.serializerId());
    assertEquals(own.manifest(), down.manifest());
    assertEquals(Ledger.V1.Deposited.class.getName() + "#1", down.manifest());
    assertEquals(release1.json(own), release2.json(down));
    assertEquals(new Ledger.V1.Deposited(500), release1.read(down));

    Release.Stored state = release2.write(new Ledger.V2.Balance(900, 3));
    assertEquals(new Ledger.V1.Balance(900, 3), release1.read(state));
  }

  /** Release 1's data is upgraded by release 2: class and field renamed. */
  @Test
  void release1DataIsReadByRelease2() throws Exception {
    Release.Stored v1 = release1.write(new Ledger.V1.Deposited(700));
    assertEquals(new Ledger.V2.Deposited(700), release2.read(v1));
    assertEquals(new Ledger.V2.Balance(1, 2), release2.read(release1.write(new Ledger.V1.Balance(1, 2))));
  }

  /** After the active version advanced, release 1 refuses release 2's data, and says why. */
  @Test
  void release1RefusesVersion2DataWithAClearError() throws Exception {
    Release.Stored v2 = release2.write(new Ledger.V2.Deposited(5));
    assertEquals(Ledger.V2.Deposited.class.getName() + "#2", v2.manifest());
    SchemaVersionException error = assertInstanceOf(SchemaVersionException.class,
        assertThrows(Exception.class, () -> release1.read(v2)));
    assertEquals(2, error.foundVersion());
    assertTrue(error.getMessage().contains("reads versions 1 of it"), error.getMessage());
    assertTrue(error.getMessage().contains("older jar"), error.getMessage());
  }

  /** A configured migration that does not exist fails at start, naming the entry. */
  @Test
  void aMisconfiguredMigrationFailsNamingTheKeyAndValue() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> SchemaRegistry.fromConfig(ConfigFactory.parseString(
            "baton.upgrade.migrations { \"com.x.Event\" = \"com.x.NoSuchMigration\" }"),
            getClass().getClassLoader()));
    assertTrue(error.getMessage().startsWith(
        "baton.upgrade.migrations.\"com.x.Event\" = com.x.NoSuchMigration"), error.getMessage());

    IllegalArgumentException notAMigration = assertThrows(IllegalArgumentException.class,
        () -> SchemaRegistry.fromConfig(ConfigFactory.parseString(
            "baton.upgrade.migrations { \"com.x.Event\" = \"java.lang.String\" }"),
            getClass().getClassLoader()));
    assertTrue(notAMigration.getMessage().contains("does not extend"), notAMigration.getMessage());
  }
}
