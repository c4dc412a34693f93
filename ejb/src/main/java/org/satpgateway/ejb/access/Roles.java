package org.satpgateway.ejb.access;

/**
 * The roles of the gateway's callers (docs/security.md). The peer gateway has none: it reaches only the protocol's
 * endpoint, on its own listener, with its TLS certificate and signed messages.
 */
public final class Roles {
    /** Submits transfer jobs and reads its own; reads the ledger. */
    public static final String BACK_OFFICE = "back-office";
    /** The admin API, page and MBeans; reads every job and the ledger. */
    public static final String OPERATOR = "operator";
    /** Issues assets on the reference ledger: granted by the embedded default, not in production. */
    public static final String LEDGER_ISSUER = "ledger-issuer";

    private Roles() {}
}
