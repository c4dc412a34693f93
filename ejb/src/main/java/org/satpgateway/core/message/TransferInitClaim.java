package org.satpgateway.core.message;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What is to be transferred, from whom to whom, through which gateways (SATP core, transfer initiation claims).
 * {@code amount} is a positive integer in the asset's smallest unit (at most 2^53 - 1, so that JSON numbers are
 * exact everywhere).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TransferInitClaim(
        String digitalAssetId,
        String assetProfileId,
        long amount,
        String verifiedOriginatorEntityId,
        String verifiedBeneficiaryEntityId,
        String originatorPublicKey,
        String beneficiaryPublicKey,
        PublicJwk senderGatewaySignaturePublicKey,
        PublicJwk receiverGatewaySignaturePublicKey,
        String senderGatewayId,
        String recipientGatewayId,
        String senderGatewayNetworkId,
        String recipientGatewayNetworkId,
        String senderGatewayOwnerId,
        String receiverGatewayOwnerId) {

    /** Largest amount that every JSON implementation represents exactly. */
    public static final long MAX_AMOUNT = (1L << 53) - 1;

    public TransferInitClaim {
        Require.bounded(digitalAssetId, "transferInitClaim.digitalAssetId", Require.MAX_ID);
        Require.bounded(assetProfileId, "transferInitClaim.assetProfileId", Require.MAX_ID);
        if (amount <= 0 || amount > MAX_AMOUNT) {
            throw new IllegalArgumentException("transferInitClaim.amount must be between 1 and 2^53-1");
        }
        Require.bounded(verifiedOriginatorEntityId, "transferInitClaim.verifiedOriginatorEntityId", Require.MAX_ID);
        Require.bounded(verifiedBeneficiaryEntityId, "transferInitClaim.verifiedBeneficiaryEntityId", Require.MAX_ID);
        Require.bounded(originatorPublicKey, "transferInitClaim.originatorPublicKey", Require.MAX_TEXT);
        Require.bounded(beneficiaryPublicKey, "transferInitClaim.beneficiaryPublicKey", Require.MAX_TEXT);
        Require.present(senderGatewaySignaturePublicKey, "transferInitClaim.senderGatewaySignaturePublicKey");
        Require.present(receiverGatewaySignaturePublicKey, "transferInitClaim.receiverGatewaySignaturePublicKey");
        Require.bounded(senderGatewayId, "transferInitClaim.senderGatewayId", Require.MAX_ID);
        Require.bounded(recipientGatewayId, "transferInitClaim.recipientGatewayId", Require.MAX_ID);
        Require.bounded(senderGatewayNetworkId, "transferInitClaim.senderGatewayNetworkId", Require.MAX_ID);
        Require.bounded(recipientGatewayNetworkId, "transferInitClaim.recipientGatewayNetworkId", Require.MAX_ID);
    }
}
