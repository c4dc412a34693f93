package org.satpgateway.ejb;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The EJB layer's packages follow the flow of a transfer (intake, door, step, outbound, recovery, and what they
 * stand on: config, identity, protocol, ledger, lease, log, failure, access), and none of them depends on another
 * that depends back on it. A ledger connector ({@code org.satpgateway.ledger..}) is plugged in only through the
 * core's {@code LedgerConnectorFactory} (a {@code ServiceLoader} service): nothing in the core or the EJB layer
 * names a connector's classes (the web module checks the same of itself).
 */
@AnalyzeClasses(packages = "org.satpgateway", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule ejbPackagesAreFreeOfCycles = slices().matching("org.satpgateway.ejb.(*)..")
            .should().beFreeOfCycles();

    @ArchTest
    static final ArchRule connectorsArePluggedInThroughTheFactoryOnly = noClasses()
            .that().resideInAnyPackage("org.satpgateway.ejb..", "org.satpgateway.core..")
            .should().dependOnClassesThat().resideInAPackage("org.satpgateway.ledger..");
}
