package org.satpgateway.core.codec;

import java.util.Map;
import org.satpgateway.core.message.MessageType;

/**
 * The one table of other names for our message types, as sent by Hyperledger Cacti's SATP gateway (its
 * {@code MessageType} enum). Accepted on input only; we always send the draft's names. Nothing else in the code
 * knows these names.
 */
final class Aliases {
    private Aliases() {}

    static final Map<String, MessageType> INBOUND = Map.ofEntries(
            Map.entry("MESSAGE_TYPE_INIT_PROPOSAL", MessageType.TRANSFER_PROPOSAL),
            Map.entry("MESSAGE_TYPE_INIT_RECEIPT", MessageType.PROPOSAL_RECEIPT),
            Map.entry("MESSAGE_TYPE_INIT_REJECT", MessageType.TRANSFER_REJECT),
            Map.entry("MESSAGE_TYPE_TRANSFER_COMMENCE_REQUEST", MessageType.TRANSFER_COMMENCE),
            Map.entry("MESSAGE_TYPE_TRANSFER_COMMENCE_RESPONSE", MessageType.ACK_COMMENCE),
            Map.entry("MESSAGE_TYPE_LOCK_ASSERT", MessageType.LOCK_ASSERT),
            Map.entry("MESSAGE_TYPE_ASSERTION_RECEIPT", MessageType.ASSERTION_RECEIPT),
            Map.entry("MESSAGE_TYPE_COMMIT_PREPARE", MessageType.COMMIT_PREPARE),
            Map.entry("MESSAGE_TYPE_COMMIT_READY", MessageType.COMMIT_READY),
            Map.entry("MESSAGE_TYPE_COMMIT_FINAL", MessageType.COMMIT_FINAL),
            Map.entry("MESSAGE_TYPE_ACK_COMMIT_FINAL", MessageType.ACK_COMMIT_FINAL),
            Map.entry("MESSAGE_TYPE_COMMIT_TRANSFER_COMPLETE", MessageType.TRANSFER_COMPLETE));

    /** Cacti sends the recovering side's acknowledgement (our recover-update-ack-msg) as recover-success-msg. */
    static final String FIELD_ONLY_IN_UPDATE_ACK = "hashRecoverUpdateMessage";
}
