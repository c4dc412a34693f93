package org.satpgateway.it.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.satpgateway.it.support.Transfers;
import org.satpgateway.launcher.Embedded;
import org.satpgateway.launcher.GatewayClient;
import org.satpgateway.launcher.Layout;

/**
 * Two connectors in one transfer: G1 on the reference ledger, G2 on an EVM chain (a Hardhat node, a block every
 * 500 ms, 2 confirmations). The asset leaves the reference ledger and arrives in G2's custody contract: the protocol
 * does not care which ledger either side runs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReferenceToEvmIT {
    private Embedded embedded;
    private GatewayClient g1;
    private GatewayClient g2;

    @BeforeAll
    void start() throws Exception {
        Path work = Path.of(System.getProperty("satp.work", "target/it")).resolve("reference-to-evm-" + System.nanoTime());
        Layout layout = new Layout(Path.of(System.getProperty("satp.repository"))).check();
        Embedded.Options options = Embedded.Options.freePorts(work)
                .withSettings(java.util.Map.of(), java.util.Map.of("gateway.ledger.poll-ms", "300"))
                .withEvmLedgers(Embedded.Evm.freePorts(500, 2).onlyG2());
        embedded = new Embedded(layout, options);
        embedded.start(Duration.ofMinutes(4));
        g1 = Embedded.client(embedded.g1());
        g2 = Embedded.client(embedded.g2());
    }

    @AfterAll
    void stop() {
        if (embedded != null) {
            embedded.close();
        }
    }

    @Test
    void anAssetMovesFromTheReferenceLedgerIntoACustodyContract() throws Exception {
        assertEquals(null, embedded.chain1(), "G1 runs on the reference ledger");
        assertEquals("evm", embedded.g2().settings().get("gateway.ledger.kind"));
        String asset = "bond-" + UUID.randomUUID();
        assertEquals(201, g1.issue(asset, Transfers.ALICE, 100).status());
        long supply = g1.totalSupply() + g2.totalSupply();
        GatewayClient.Answer a = g1.submit(Transfers.job(asset, 100, "mixed-" + asset));
        assertEquals(202, a.status(), () -> String.valueOf(a.body()));
        String id = a.body().path("id").asText();
        Transfers.awaitBoth(g1, g2, id, Duration.ofSeconds(90), Transfers::completed);

        assertEquals("BURNED", g1.asset(asset).orElseThrow().path("state").asText(), "burned on the reference ledger");
        JsonNode minted = g2.asset(asset).orElseThrow();
        assertEquals(Transfers.BOB, minted.path("owner").asText(), "bob holds it in G2's contract");
        assertEquals("FREE", minted.path("state").asText());
        assertEquals(supply, g1.totalSupply() + g2.totalSupply(), "the supply of both ledgers together is unchanged");
        assertTrue(Transfers.ledgerEntries(g2.transfer(id).orElseThrow()).stream()
                .anyMatch(e -> e.startsWith("create@") && e.endsWith(" exec")), "G2's mint waited for its confirmations");
        assertTrue(Transfers.ledgerEntries(g1.transfer(id).orElseThrow()).stream()
                .noneMatch(e -> e.endsWith(" exec")), "the reference ledger answered at once");
        JsonNode receipt = g2.get("api/v1/ledger/assets/" + asset + "/history").body();
        assertEquals(1, Transfers.count(receipt, "create"), "minted once");
    }
}
