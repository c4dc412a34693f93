package org.satpgateway.ledger.evm;

/**
 * The record of one action done on an EVM ledger, as the connector answers it: what was done to which asset for
 * which session, and where the chain holds it (chain, contract, transaction, block). Its canonical JSON (JCS) text
 * is the receipt of {@link org.satpgateway.core.ledger.LedgerResult.Done}; the connector's detached JWS over that
 * text is the proof.
 */
public record EvmReceipt(
        String network,
        String action,
        String sessionId,
        String assetId,
        long amount,
        String owner,
        long chainId,
        String contract,
        String txHash,
        long blockNumber,
        String blockHash) {}
