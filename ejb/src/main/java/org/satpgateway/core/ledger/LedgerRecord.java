package org.satpgateway.core.ledger;

/**
 * The reference ledger's record of one action: what was done to which asset, for which session, when. Its JCS text
 * is the receipt; the ledger's detached JWS over that text is the proof.
 */
public record LedgerRecord(
        String network, String action, String sessionId, String assetId, long amount, String owner, String at) {}
