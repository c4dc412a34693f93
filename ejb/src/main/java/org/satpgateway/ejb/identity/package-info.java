/**
 * Who this gateway is and whom it trusts: its signing key and certificate (certified at once, or awaited from an
 * operator), the counterpart's certificates and the keys decided on since (restored from the log database). Apart
 * from the protocol, so that the signing key stays in one bean and the door, the step and recovery ask the same
 * registry.
 */
package org.satpgateway.ejb.identity;
