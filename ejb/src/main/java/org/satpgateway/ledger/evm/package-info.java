/**
 * The EVM ledger connector ({@code gateway.ledger.kind=evm}): the organisation's assets in the custody contract
 * {@code AssetCustody} (config/evm) on an EVM chain, reached over JSON-RPC with web3j; the gateway's account is the
 * contract's operator and signs its own transactions with nonces it allocates itself.
 */
package org.satpgateway.ledger.evm;
