/**
 * The ledger port's EJB side: the bean that opens the connector {@code gateway.ledger.kind} names among the
 * connectors on the class path (a {@code ServiceLoader} factory), holds it while the gateway runs and closes it.
 * Nothing else in the EJB layer names a connector; callers see the core's {@code LedgerConnector}.
 */
package org.satpgateway.ejb.ledger;
