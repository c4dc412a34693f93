package org.satpgateway.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The protocol core is plain Java: nothing under org.satpgateway.core may depend on Jakarta (or javax) APIs, nor on
 * the gateway's own adapters outside the core.
 */
@AnalyzeClasses(packages = "org.satpgateway.core", importOptions = ImportOption.DoNotIncludeTests.class)
class CoreIsPlainJavaTest {

    @ArchTest
    static final ArchRule coreHasNoJakartaDependency = noClasses()
            .that().resideInAPackage("org.satpgateway.core..")
            .should().dependOnClassesThat().resideInAnyPackage("jakarta..", "javax..");

    @ArchTest
    static final ArchRule coreKnowsNothingOutsideItself = noClasses()
            .that().resideInAPackage("org.satpgateway.core..")
            .should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("org.satpgateway..")
                    .and(JavaClass.Predicates.resideOutsideOfPackage("org.satpgateway.core..")));
}
