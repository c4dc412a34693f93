/**
 * The gateway lease of a primary-backup organisation: the lease row in the log database ({@code LeaseTable}, also
 * used by the launcher's standby) and the bean that holds and renews it and fences every step ({@code LeaseKeeper}).
 */
package org.satpgateway.ejb.lease;
