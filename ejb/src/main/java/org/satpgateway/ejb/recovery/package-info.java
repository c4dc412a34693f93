/**
 * Recovery at start-up and on schedule: {@code RecoveryCoordinator} (in-doubt branches of the log, then recover-msg
 * for every unfinished session, then readiness), the sessions' persistent timers ({@code TimeoutCoordinator}), the
 * in-doubt branches themselves and the readiness check. Each session moves through a step of its own.
 */
package org.satpgateway.ejb.recovery;
