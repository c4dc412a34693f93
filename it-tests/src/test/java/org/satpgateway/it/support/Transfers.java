package org.satpgateway.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BiPredicate;
import org.satpgateway.launcher.GatewayClient;

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

    /**
     * Issues an asset to alice on G1's ledger, transfers it to bob and waits until both gateways report it
     * COMPLETED and bob owns it on G2's ledger; returns the transfer's id.
     */
    public static String completeOne(GatewayClient g1, GatewayClient g2) throws Exception {
        String asset = "bond-" + UUID.randomUUID();
        GatewayClient.Answer issued = g1.issue(asset, ALICE, 3);
        if (issued.status() != 201) {
            throw new AssertionError("issue " + asset + ": " + issued.status() + " " + issued.body());
        }
        GatewayClient.Answer a = g1.submit(job(asset, 3, "ctx-" + asset));
        if (a.status() != 202) {
            throw new AssertionError("submit: " + a.status() + " " + a.body());
        }
        String id = a.body().path("id").asText();
        awaitBoth(g1, g2, id, Duration.ofSeconds(90), Transfers::completed);
        String owner = g2.asset(asset).orElseThrow().path("owner").asText();
        if (!BOB.equals(owner)) {
            throw new AssertionError(asset + " on ledger-two is owned by " + owner);
        }
        return id;
    }

    /** True when both states are COMPLETED. */
    public static boolean completed(String s1, String s2) {
        return "COMPLETED".equals(s1) && "COMPLETED".equals(s2);
    }

    /** True when both states are ended ({@link #ended}). */
    public static boolean bothEnded(String s1, String s2) {
        return ended(s1) && ended(s2);
    }

    /**
     * Waits until the transfer's states on the two gateways satisfy {@code done} (a state is null where the gateway
     * does not know the transfer); returns when they did. Fails with both views after {@code timeout}.
     */
    public static Instant awaitBoth(GatewayClient g1, GatewayClient g2, String id, Duration timeout,
            BiPredicate<String, String> done) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String s1 = g1.transfer(id).map(t -> t.path("state").asText()).orElse(null);
            String s2 = g2.transfer(id).map(t -> t.path("state").asText()).orElse(null);
            if (done.test(s1, s2)) {
                return Instant.now();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("transfer " + id + " did not get there within " + timeout + ": " + g1.transfer(id)
                + " / " + g2.transfer(id));
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
