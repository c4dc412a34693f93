/**
 * The operator's console: what operators may do to a running gateway (pause intake, retry, forced rollback, dead
 * letters), recorded with who did it; what they see of it (MBeans, metrics, health); and the alerts that need them.
 */
package org.satpgateway.ejb.console;
