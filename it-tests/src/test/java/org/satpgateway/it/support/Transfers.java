package org.satpgateway.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Jobs and checks shared by the tests that drive real gateways through their public interfaces. */
public final class Transfers {
    public static final String ALICE = "alice@bank-one";
    public static final String BOB = "bob@bank-two";

    private Transfers() {}

    /** A back-office job moving {@code amount} of {@code asset} from alice (bank-one) to bob (bank-two). */
    public static Map<String, Object> job(String asset, long amount, String context) {
        return Map.of("transferContextId", context, "digitalAssetId", asset, "assetProfileId", "bond/v1",
                "amount", amount, "originator", ALICE, "beneficiary", BOB,
                "originatorPublicKey", "originator-key", "beneficiaryPublicKey", "beneficiary-key");
    }

    /** A state in which nothing more happens to a transfer. */
    public static boolean ended(String state) {
        return state != null && !state.equals("ACTIVE") && !state.equals("ROLLING_BACK");
    }

    /** The protocol messages in a transfer's log, as "sequence type". */
    public static Set<String> messages(JsonNode transfer) {
        Set<String> m = new TreeSet<>();
        for (JsonNode e : transfer.path("history")) {
            if (e.path("type").asText().endsWith("-msg")) {
                m.add(e.path("sequenceNumber").asInt() + " " + e.path("type").asText());
            }
        }
        return m;
    }

    /** The ledger entries in a transfer's log, as "action operation", in order. */
    public static List<String> ledgerEntries(JsonNode transfer) {
        List<String> l = new ArrayList<>();
        for (JsonNode e : transfer.path("history")) {
            if (!e.path("type").asText().contains("-msg")) {
                l.add(e.path("type").asText() + " " + e.path("operation").asText());
            }
        }
        return l;
    }

    /** How many records of {@code action} a ledger's history of an asset holds. */
    public static long count(JsonNode history, String action) {
        long c = 0;
        for (JsonNode r : history) {
            if (r.path("action").asText().equalsIgnoreCase(action)) {
                c++;
            }
        }
        return c;
    }
}
