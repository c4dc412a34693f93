package org.satpgateway.core.session;

/** Which side of a transfer a gateway plays in a session. */
public enum Role {
    /** G1: serves the originator, drives the source ledger, starts the session. */
    CLIENT,
    /** G2: serves the beneficiary, drives the recipient ledger. */
    SERVER
}
