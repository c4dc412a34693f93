/**
 * The ledger port: the actions a gateway asks of its ledger, their requests and results. Every action is
 * idempotent by (sessionId, action); implementations live outside the core.
 */
package org.satpgateway.core.ledger;
