package io.baton.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.upgrade.internal.SchemaManifest;
import io.baton.upgrade.internal.SchemaRules;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The serializer's two decisions, called directly: which version to write, how to read. */
@Timeout(10)
class SchemaRulesTest {

  /** Current 3, reads 2 to 3, writes 2 to 3. */
  static final ClassSchema V3 = new ClassSchema("com.x.Event", 3, 2, 2, Optional.empty());

  @Test
  void writesTheActiveVersionCappedAtTheCurrentOne() throws Exception {
    assertEquals(3, SchemaRules.writeVersion(V3, 3));
    assertEquals(2, SchemaRules.writeVersion(V3, 2));
    assertEquals(3, SchemaRules.writeVersion(V3, 7));
  }

  @Test
  void anActiveVersionBelowTheOldestWritableOneIsRefused() {
    SchemaVersionException error =
        assertThrows(SchemaVersionException.class, () -> SchemaRules.writeVersion(V3, 1));
    assertEquals(1, error.foundVersion());
    assertTrue(error.getMessage().contains("com.x.Event at schema version 1"), error.getMessage());
    assertTrue(error.getMessage().contains("writes versions 2 to 3"), error.getMessage());
  }

  @Test
  void aClassSomeMemberDoesNotKnowIsNotWritten() {
    SchemaVersionException error = assertThrows(SchemaVersionException.class,
        () -> SchemaRules.writeVersion(ClassSchema.unversioned("com.x.New"), 0));
    assertTrue(error.getMessage().contains("does not know this class"), error.getMessage());
  }

  @Test
  void readsTheCurrentVersionAsIsAndUpgradesOlderReadableOnes() throws Exception {
    assertEquals(SchemaRules.Read.AS_IS, SchemaRules.read("com.x.Event", 3, Optional.of(V3)));
    assertEquals(SchemaRules.Read.UPGRADE, SchemaRules.read("com.x.Event", 2, Optional.of(V3)));
  }

  @Test
  void refusesANewerVersionNamingClassVersionAndSupportedVersions() {
    SchemaVersionException error = assertThrows(SchemaVersionException.class,
        () -> SchemaRules.read("com.x.Event", 4, Optional.of(V3)));
    assertEquals("com.x.Event", error.className());
    assertEquals(4, error.foundVersion());
    assertTrue(error.getMessage().startsWith(
        "Cannot read com.x.Event at schema version 4: this node's code reads versions 2 to 3"),
        error.getMessage());
    assertTrue(error.getMessage().contains("upgrade this node"), error.getMessage());
  }

  @Test
  void refusesAVersionOlderThanTheMigrationStillReads() {
    SchemaVersionException error = assertThrows(SchemaVersionException.class,
        () -> SchemaRules.read("com.x.Event", 1, Optional.of(V3)));
    assertTrue(error.getMessage().contains("no longer upgrades version 1"), error.getMessage());
  }

  @Test
  void refusesAnUnknownClass() {
    SchemaVersionException error = assertThrows(SchemaVersionException.class,
        () -> SchemaRules.read("com.x.Gone", 1, Optional.empty()));
    assertTrue(error.getMessage().contains("no such class"), error.getMessage());
  }

  @Test
  void aManifestWithoutVersionIsVersion1AndABadOneIsRefused() throws Exception {
    assertEquals(new SchemaManifest("com.x.Event", 1), SchemaManifest.parse("com.x.Event"));
    assertEquals(new SchemaManifest("com.x.Event", 12), SchemaManifest.parse("com.x.Event#12"));
    assertEquals("com.x.Event#12", new SchemaManifest("com.x.Event", 12).format());
    assertThrows(SchemaVersionException.class, () -> SchemaManifest.parse("com.x.Event#0"));
    assertThrows(SchemaVersionException.class, () -> SchemaManifest.parse("#2"));
  }

  @Test
  void aMigrationWithInconsistentVersionsIsRefusedNamingIt() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> ClassSchema.of("com.x.Event", new SchemaMigration() {
          @Override
          public int currentVersion() {
            return 2;
          }

          @Override
          public int oldestWritableVersion() {
            return 3;
          }
        }));
    assertTrue(error.getMessage().contains("oldestWritableVersion is 3"), error.getMessage());
  }

  @Test
  void aBehaviourVersionIsAtLeast1AndShowsItsDescription() {
    assertEquals("2 (overdraft limit)", BehaviourVersion.of(2, "overdraft limit").display());
    assertEquals("1", BehaviourVersion.FIRST.display());
    assertThrows(IllegalArgumentException.class, () -> BehaviourVersion.of(0));
  }
}
