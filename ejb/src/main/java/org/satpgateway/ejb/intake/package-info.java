/**
 * Back-office jobs coming in: the REST-facing services ({@code JobIntake}, {@code TransferQueries}), the MDB of the
 * {@code satp.jobs} queue, the job JSON and its strict reader. A valid job opens its session through the step; the
 * job row itself is written by that step, in the log ({@code log.JobEntity}).
 */
package org.satpgateway.ejb.intake;
