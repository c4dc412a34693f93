/**
 * The SATP protocol core: plain Java, no Jakarta API, no I/O. A pure function from (session, input, now) to (new
 * * session, effects); everything that touches the outside world is a port ({@code port}, {@code  *
 * ledger.LedgerConnector}) that the EJB layer implements. {@link org.satpgateway.core.SatpError} lists the error
 * * codes on the wire.
 */
package org.satpgateway.core;
