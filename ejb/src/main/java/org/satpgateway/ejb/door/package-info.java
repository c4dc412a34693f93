/**
 * The counterpart's messages coming in: the door of {@code POST /satp/v1/messages} ({@code PeerIntake}, with the
 * delivery keys it has queued) and the MDB of {@code satp.inbound}, which runs each message's step and, when a
 * delivery fails for good, has it answered. What a failing delivery leaves is recorded in {@code failure}, which the
 * outbound side shares; what a refused message leaves is kept by its step in the log.
 */
package org.satpgateway.ejb.door;
