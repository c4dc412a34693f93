/**
 * The protocol core as this gateway runs it: the codec, the session log's replay, the client and server state
 * machines with this gateway's policy and signer, and their recovery planners. Plain objects built once at start-up
 * from the settings and the identity; the step, the door and the ledger port use them.
 */
package org.satpgateway.ejb.protocol;
