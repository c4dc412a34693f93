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
        Require.nonBlank(digitalAssetId, "transferInitClaim.digitalAssetId");
        Require.nonBlank(assetProfileId, "transferInitClaim.assetProfileId");
        if (amount <= 0 || amount > MAX_AMOUNT) {
            throw new IllegalArgumentException("transferInitClaim.amount must be between 1 and 2^53-1");
        }
        Require.nonBlank(verifiedOriginatorEntityId, "transferInitClaim.verifiedOriginatorEntityId");
        Require.nonBlank(verifiedBeneficiaryEntityId, "transferInitClaim.verifiedBeneficiaryEntityId");
        Require.nonBlank(originatorPublicKey, "transferInitClaim.originatorPublicKey");
        Require.nonBlank(beneficiaryPublicKey, "transferInitClaim.beneficiaryPublicKey");
        Require.present(senderGatewaySignaturePublicKey, "transferInitClaim.senderGatewaySignaturePublicKey");
        Require.present(receiverGatewaySignaturePublicKey, "transferInitClaim.receiverGatewaySignaturePublicKey");
        Require.nonBlank(senderGatewayId, "transferInitClaim.senderGatewayId");
        Require.nonBlank(recipientGatewayId, "transferInitClaim.recipientGatewayId");
        Require.nonBlank(senderGatewayNetworkId, "transferInitClaim.senderGatewayNetworkId");
        Require.nonBlank(recipientGatewayNetworkId, "transferInitClaim.recipientGatewayNetworkId");
    }
}
