package org.satpgateway.it.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.satpgateway.it.support.SharedGateways;
import org.satpgateway.it.support.Transfers;
import org.satpgateway.launcher.Embedded;
import org.satpgateway.launcher.GatewayClient;
import org.satpgateway.launcher.IdentityProvider;

/**
 * Who may use the back-office, ledger and operator interfaces, on real gateways: every call needs a bearer token of
 * the configured identity provider, for this gateway, not expired (401 otherwise), with the role the operation needs
 * (403 otherwise); a refused call creates nothing. A back office reads its own jobs; each job records who submitted
 * it; a transfer completes through these interfaces. On the pair the test classes share ({@link SharedGateways}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedGateways.class)
class AccessIT {
    private Embedded embedded;
    private IdentityProvider idp;
    private GatewayClient g1;
    private GatewayClient g2;

    @BeforeAll
    void start(Embedded shared) {
        embedded = shared;
        idp = shared.identityProvider();
        g1 = Embedded.client(shared.g1());
        g2 = Embedded.client(shared.g2());
    }

    private String token(String subject, String... roles) {
        return idp.token(subject, "gateway-one", List.of(roles), Duration.ofMinutes(10));
    }

    /** A back office's token that grants moving the assets of {@code accounts}. */
    private String backOffice(String subject, String... accounts) {
        return idp.token(subject, "gateway-one", List.of("back-office"), List.of(accounts), Duration.ofMinutes(10));
    }

    @Test
    void withoutATokenEveryInterfaceButThePeersAnswers401AndCreatesNothing() throws Exception {
        GatewayClient anonymous = g1.as(null);
        String asset = "bond-" + UUID.randomUUID();
        List<GatewayClient.Answer> answers = List.of(
                anonymous.issue(asset, Transfers.ALICE, 5),
                anonymous.submit(Transfers.job(asset, 5, "ctx-" + asset)),
                anonymous.get("api/v1/transfers"),
                anonymous.get("api/v1/transfers/" + UUID.randomUUID()),
                anonymous.get("api/v1/ledger/supply"),
                anonymous.get("api/v1/ledger/assets/" + asset),
                anonymous.get("api/v1/admin/step-failures"),
                anonymous.get("api/v1/admin/peer-tls"),
                anonymous.get("api/v1/version"));
        for (GatewayClient.Answer a : answers) {
            assertEquals(401, a.status(), () -> String.valueOf(a.body()));
            assertEquals(401, a.body().path("status").asInt(), "problem+json: " + a.body());
        }
        assertTrue(g1.asset(asset).isEmpty(), "no asset was issued");
        assertTrue(contexts(g1.transfers(null)).noneMatch(("ctx-" + asset)::equals), "no job was taken");
    }

    @Test
    void aTokenThatIsForgedExpiredForAnotherGatewayOrIssuerIsRefused() throws Exception {
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("signed by a key the provider does not have", IdentityProvider.stranger()
                .token("mallory", "gateway-one", List.of("back-office", "operator"), Duration.ofMinutes(10)));
        tokens.put("expired", idp.token(IdentityProvider.ISSUER, "launcher", "gateway-one", List.of("operator"), List.<String>of(),
                Instant.now().minus(Duration.ofHours(2)), Duration.ofHours(1)));
        tokens.put("for the other gateway", idp.token("launcher", "gateway-two", List.of("operator"), Duration.ofMinutes(10)));
        tokens.put("from another issuer", idp.token("https://idp.example", "launcher", "gateway-one", List.of("operator"),
                List.<String>of(), Instant.now(), Duration.ofMinutes(10)));
        tokens.put("not a JWT", "not-a-token");
        String good = token("launcher", "operator");
        String[] parts = good.split("\\.");
        tokens.put("with its signature from another token", parts[0] + "." + parts[1] + "."
                + token("other", "operator").split("\\.")[2]);
        for (Map.Entry<String, String> t : tokens.entrySet()) {
            GatewayClient.Answer a = g1.as(t.getValue()).get("api/v1/admin/step-failures");
            assertEquals(401, a.status(), () -> t.getKey() + ": " + a.body());
            assertTrue(a.body().path("detail").asText().contains("not accepted"), () -> t.getKey() + ": " + a.body());
        }
        assertEquals(200, g1.as(good).get("api/v1/admin/step-failures").status(), "the same call with a good token");
        // a header beyond the HTTP listener's 8 KiB is refused before the application (which caps tokens at 8,192
        // characters itself)
        assertEquals(400, g1.as("x".repeat(9000)).get("api/v1/admin/step-failures").status(), "a far too long token");
    }

    @Test
    void aCallerWithoutTheRoleTheOperationNeedsGets403() throws Exception {
        String asset = "bond-" + UUID.randomUUID();
        GatewayClient operator = g1.as(token("ops-1", "operator"));
        GatewayClient backOffice = g1.as(backOffice("back-office-1", "*@bank-one"));
        GatewayClient issuer = g1.as(token("issuer-1", "ledger-issuer"));
        GatewayClient nobody = g1.as(token("someone", "auditor"));
        assertForbidden(operator.submit(Transfers.job(asset, 5, "ctx-" + asset)), "an operator submits no job");
        assertForbidden(backOffice.issue(asset, Transfers.ALICE, 5), "a back office issues no asset");
        assertForbidden(backOffice.get("api/v1/admin/step-failures"), "a back office uses no admin API");
        assertForbidden(issuer.get("api/v1/transfers"), "the issuing role reads no transfer");
        assertForbidden(nobody.get("api/v1/ledger/supply"), "a role the gateway does not know opens nothing");
        assertTrue(g1.asset(asset).isEmpty(), "no asset was issued");
        assertTrue(contexts(g1.transfers(null)).noneMatch(("ctx-" + asset)::equals), "no job was taken");
        assertEquals(200, operator.get("api/v1/admin/step-failures").status());
        assertEquals(201, issuer.issue(asset, Transfers.ALICE, 5).status());
    }

    @Test
    void aTransferCompletesThroughTheSecuredInterfacesAndEachBackOfficeSeesItsOwnJobs() throws Exception {
        String asset = "bond-" + UUID.randomUUID();
        assertEquals(201, g1.as(token("issuer-2", "ledger-issuer")).issue(asset, Transfers.ALICE, 7).status());
        GatewayClient payments = g1.as(backOffice("payments-hub", "*@bank-one"));
        GatewayClient treasury = g1.as(backOffice("treasury", "*@bank-one"));
        Map<String, Object> job = Transfers.job(asset, 7, "ctx-" + asset);
        GatewayClient.Answer a = payments.submit(job);
        assertEquals(202, a.status(), () -> String.valueOf(a.body()));
        String id = a.body().path("id").asText();
        assertEquals("payments-hub", a.body().path("submittedBy").asText(), "the job records who submitted it: " + a.body());

        assertEquals(404, treasury.get("api/v1/transfers/" + id).status(), "another back office does not see the job");
        assertTrue(ids(treasury.get("api/v1/transfers").body()).noneMatch(id::equals), "nor in its list");
        GatewayClient.Answer repeat = treasury.submit(job);
        assertEquals(409, repeat.status(), () -> "the same job from another caller is not the first one: " + repeat.body());
        assertEquals(200, payments.submit(job).status(), "the same job from the same caller is the first one");
        assertTrue(ids(payments.get("api/v1/transfers").body()).anyMatch(id::equals), "the submitter lists its job");
        assertEquals(200, g1.as(token("ops-2", "operator")).get("api/v1/transfers/" + id).status(), "operators see every job");

        GatewayClient payments2 = g2.as(idp.token("payments-hub", "gateway-two", List.of("back-office"), Duration.ofMinutes(10)));
        Transfers.awaitBoth(payments, payments2, id, Duration.ofSeconds(90), Transfers::completed);
        assertEquals(Transfers.BOB, g2.asset(asset).orElseThrow().path("owner").asText(),
                "the receiving side's back office sees the incoming transfer, and bob holds the asset");
        assertFalse(g1.asset(asset).orElseThrow().path("state").asText().equals("FREE"), "burned on ledger-one");
    }

    @Test
    void aJobMovesAnAssetOnlyIfTheIdentityProviderGrantedItsOwnersAccountToTheBackOffice() throws Exception {
        String asset = "bond-" + UUID.randomUUID();
        assertEquals(201, g1.as(token("issuer-3", "ledger-issuer")).issue(asset, Transfers.ALICE, 4).status());
        Map<String, Object> job = Transfers.job(asset, 4, "ctx-" + asset);
        for (GatewayClient notGranted : List.of(g1.as(backOffice("carol-desk", "carol@bank-one")),
                g1.as(backOffice("other-bank-desk", "*@bank-two")), g1.as(backOffice("no-grant")))) {
            GatewayClient.Answer a = notGranted.submit(job);
            assertEquals(403, a.status(), () -> String.valueOf(a.body()));
            assertEquals("urn:ietf:params:satp:core:error:err_0.1.2", a.body().path("type").asText(), a.body().toString());
            assertTrue(a.body().path("detail").asText().contains("not authorised to move assets of " + Transfers.ALICE),
                    a.body().toString());
        }
        assertTrue(contexts(g1.transfers(null)).noneMatch(("ctx-" + asset)::equals), "no job was taken");
        assertEquals("FREE", g1.asset(asset).orElseThrow().path("state").asText(), "nothing was locked");
        GatewayClient alicesDesk = g1.as(backOffice("alice-desk", Transfers.ALICE));
        assertEquals(202, alicesDesk.submit(job).status(), "granted alice's account, the job is taken");
    }

    private static void assertForbidden(GatewayClient.Answer a, String what) {
        assertEquals(403, a.status(), () -> what + ": " + a.body());
        assertEquals(403, a.body().path("status").asInt(), () -> what + ", problem+json: " + a.body());
    }

    private static java.util.stream.Stream<String> ids(JsonNode list) {
        return StreamSupport.stream(list.spliterator(), false).map(t -> t.path("id").asText());
    }

    private static java.util.stream.Stream<String> contexts(JsonNode list) throws IOException {
        return StreamSupport.stream(list.spliterator(), false).map(t -> t.path("transferContextId").asText());
    }
}
