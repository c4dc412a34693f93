/**
 * One protocol step in one JTA transaction: {@code StepService} locks the session, rebuilds it from its log or
 * takes it from the replay cache ({@code SessionCache}), feeds the input to the state machine and carries out its
 * effects (log rows, ledger action, outbound messages, timer); what must wait for the commit runs after it
 * ({@code AfterCommit}). The intake, the door and recovery call it; it depends on none of them, so a job reaches it
 * as a {@code StepService.Job}.
 */
package org.satpgateway.ejb.step;
