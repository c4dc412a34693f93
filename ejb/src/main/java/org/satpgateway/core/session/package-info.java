/**
 * Sessions and what changes them. {@link org.satpgateway.core.session.SessionLog} is the only way a session
 * changes (log entries in, session out), so replaying a log rebuilds the session exactly. {@link
 * org.satpgateway.core.session.ClientStateMachine} and {@link org.satpgateway.core.session.ServerStateMachine}
 * turn inputs into log entries and effects; {@link org.satpgateway.core.session.RecoveryPlanner} runs crash
 * recovery over a rebuilt session.
 */
package org.satpgateway.core.session;
