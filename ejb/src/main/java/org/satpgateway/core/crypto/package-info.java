/**
 * SHA-256, ES256 and ES256K key pairs, and detached compact JWS with deterministic ECDSA (RFC 6979). Bouncy
 * Castle is used as a library (never registered as a global provider); Nimbus parses JWKs and JWS headers. The
 * counterpart's certificate chains are validated by the JDK's PKIX validator, revocation included ({@link
 * org.satpgateway.core.crypto.Revocation}).
 */
package org.satpgateway.core.crypto;
