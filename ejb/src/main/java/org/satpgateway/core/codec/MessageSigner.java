package org.satpgateway.core.codec;

import org.satpgateway.core.crypto.GatewayKeyPair;
import org.satpgateway.core.crypto.Jws;
import org.satpgateway.core.message.PublicJwk;
import org.satpgateway.core.message.SatpMessage;

/** The one place outgoing messages are signed: JCS payload, detached JWS, sealed wire form. */
public final class MessageSigner {
    private final MessageCodec codec;
    private final GatewayKeyPair key;

    public MessageSigner(MessageCodec codec, GatewayKeyPair key) {
        this.codec = codec;
        this.key = key;
    }

    public SignedMessage sign(SatpMessage message) {
        return codec.seal(message, Jws.signDetached(codec.payload(message), key));
    }

    /** Signs any JSON value (assertion claims) the same way; returns the detached JWS. */
    public String signValue(Object value) {
        return Jws.signDetached(codec.canonicalJson(value).getBytes(java.nio.charset.StandardCharsets.UTF_8), key);
    }

    public PublicJwk publicKey() {
        return key.publicJwk();
    }

    public GatewayKeyPair keyPair() {
        return key;
    }

    public MessageCodec codec() {
        return codec;
    }
}
