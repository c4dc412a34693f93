/**
 * The one canonical codec (JSON canonicalised by RFC 8785) and the one signer. Encoding and decoding sit side by
 * side in {@link org.satpgateway.core.codec.MessageCodec}; decoding returns a refusal with its SATP error code
 * for any bad input and never throws.
 */
package org.satpgateway.core.codec;
