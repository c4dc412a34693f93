package org.satpgateway.core.session;

import java.util.Optional;
import org.satpgateway.core.Rejection;
import org.satpgateway.core.SatpError;

/**
 * Ledger accounts are named {@code <holder>@<organisation>} ({@code alice@bank-one}): the part after the last
 * {@code @} is the organisation whose gateway serves the account. A transfer moves an asset from an account of the
 * sending gateway's organisation to an account of the receiving gateway's organisation; both gateways check it before
 * anything is locked, so that an assignment can never fail after the burn for a reason known at the start.
 */
public final class Accounts {
    private Accounts() {}

    /** The organisation of an account, or empty when the name has no holder or no organisation. */
    public static Optional<String> organisation(String account) {
        if (account == null) {
            return Optional.empty();
        }
        int at = account.lastIndexOf('@');
        if (at <= 0 || at == account.length() - 1 || !account.strip().equals(account)) {
            return Optional.empty();
        }
        return Optional.of(account.substring(at + 1));
    }

    /**
     * Why an originator and beneficiary do not fit a transfer from {@code originatorOrganisation} to
     * {@code beneficiaryOrganisation}, if they do not.
     */
    static Optional<Rejection> check(String originator, String originatorOrganisation, String beneficiary,
            String beneficiaryOrganisation) {
        if (!organisation(originator).filter(originatorOrganisation::equals).isPresent()) {
            return Optional.of(Rejection.of(SatpError.INVALID_ORIGINATOR, "originator " + originator
                    + " is not an account of " + originatorOrganisation + " (holder@" + originatorOrganisation + ")"));
        }
        if (!organisation(beneficiary).filter(beneficiaryOrganisation::equals).isPresent()) {
            return Optional.of(Rejection.of(SatpError.INVALID_BENEFICIARY, "beneficiary " + beneficiary
                    + " is not an account of " + beneficiaryOrganisation + " (holder@" + beneficiaryOrganisation + ")"));
        }
        return Optional.empty();
    }
}
