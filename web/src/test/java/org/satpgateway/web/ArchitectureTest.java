package org.satpgateway.web;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The resources reach the ledger through the EJB layer's ledger port and the core's {@code LedgerConnector} only: a
 * connector ({@code org.satpgateway.ledger..}) is plugged in through its {@code ServiceLoader} factory, never named
 * here (the ejb module checks the same of the core and the EJB layer).
 */
@AnalyzeClasses(packages = "org.satpgateway.web", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule connectorsArePluggedInThroughTheFactoryOnly = noClasses()
            .that().resideInAPackage("org.satpgateway.web..")
            .should().dependOnClassesThat().resideInAPackage("org.satpgateway.ledger..");
}
