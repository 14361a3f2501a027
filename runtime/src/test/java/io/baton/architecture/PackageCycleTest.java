package io.baton.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

/**
 * The runtime module's packages form no dependency cycle, read from the compiled classes (so a
 * fully-qualified name in code counts as much as an import): each package may use its own
 * {@code internal} package and be used by it, nothing else may go both ways. A new cycle fails
 * the build with the classes that close it.
 */
class PackageCycleTest {

  private static final JavaClasses RUNTIME = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
      .importPackages("io.baton");

  /** Every class in its package, an {@code internal} package counted with its parent. */
  private static final SliceAssignment PACKAGE_WITH_ITS_INTERNAL = new SliceAssignment() {
    @Override
    public SliceIdentifier getIdentifierOf(JavaClass type) {
      String name = type.getPackageName();
      if (!name.startsWith("io.baton.")) {
        return SliceIdentifier.ignore();
      }
      return SliceIdentifier.of(name.endsWith(".internal")
          ? name.substring(0, name.length() - ".internal".length()) : name);
    }

    @Override
    public String getDescription() {
      return "the io.baton packages, each with its own internal package";
    }
  };

  private static final ArchRule NO_CYCLES =
      slices().assignedFrom(PACKAGE_WITH_ITS_INTERNAL).should().beFreeOfCycles();

  /** Property: no two packages (beyond a package and its internal) depend on each other. */
  @Test
  void thePackagesOfTheRuntimeFormNoCycle() {
    assertTrue(RUNTIME.size() > 100, "the runtime's classes were found: " + RUNTIME.size());
    NO_CYCLES.check(RUNTIME);
  }

  /**
   * Property: the rule sees a cycle where there is one (two fixture packages naming each other),
   * so the check above can fail, and allows a package and its own internal package to use each
   * other.
   */
  @Test
  void theRuleFailsOnACycleAndAllowsAPackageWithItsInternal() {
    EvaluationResult cycle = NO_CYCLES.evaluate(new ClassFileImporter().importClasses(
        io.baton.architecture.cyclea.Ping.class, io.baton.architecture.cycleb.Pong.class));
    assertTrue(cycle.hasViolation(), "cyclea <-> cycleb is reported");
    EvaluationResult pair = NO_CYCLES.evaluate(new ClassFileImporter().importClasses(
        io.baton.architecture.pair.Api.class,
        io.baton.architecture.pair.internal.Impl.class));
    assertFalse(pair.hasViolation(), pair.getFailureReport().toString());
  }
}
