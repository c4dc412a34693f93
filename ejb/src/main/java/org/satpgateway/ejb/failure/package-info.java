/**
 * Why a delivery of a queued message failed: recorded in a transaction of its own so that the reason outlives the
 * rolled-back step, and whether it may pass by itself. Shared by the inbound MDB (door) and the delivery MDB
 * (outbound), read by operators; it depends on neither.
 */
package org.satpgateway.ejb.failure;
