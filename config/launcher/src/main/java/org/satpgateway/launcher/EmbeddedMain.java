package org.satpgateway.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/**
 * {@code config/run-embedded.sh}: starts the embedded default (two brokers, two gateways), issues an asset on G1's
 * ledger, submits a transfer to G1 through the back-office REST interface, prints each logged step of both gateways
 * as it happens and the balances on both ledgers at the end, then stops everything. With {@code --stay} it leaves the
 * gateways running for a person to use until interrupted (Ctrl-C stops everything it started).
 */
public final class EmbeddedMain {
    private static final String ASSET_OWNER = "alice@bank-one";
    private static final String BENEFICIARY = "bob@bank-two";

    private EmbeddedMain() {}

    public static void main(String[] args) throws Exception {
        // the EVM client's logging facade has no binding here: its start-up notice is noise
        System.setProperty("slf4j.internal.verbosity", "ERROR");
        boolean stay = false;
        Path work = Path.of("target", "embedded");
        String ledger = "reference";
        long blockMs = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--stay" -> stay = true;
                case "--work" -> work = Path.of(args[++i]);
                case "--ledger" -> ledger = args[++i];
                case "--block-ms" -> blockMs = Long.parseLong(args[++i]);
                case "-h", "--help" -> {
                    System.out.println("usage: config/run-embedded.sh [--stay] [--work DIR] [--ledger reference|evm]"
                            + " [--block-ms MS]");
                    System.out.println("  --ledger evm   each gateway on its own EVM chain (a Hardhat node) instead of"
                            + " the reference ledger");
                    System.out.println("  --block-ms MS  with --ledger evm: a block every MS ms instead of one per"
                            + " transaction");
                    return;
                }
                default -> {
                    System.err.println("unknown argument " + args[i] + " (try --help)");
                    System.exit(2);
                }
            }
        }
        if (!ledger.equals("reference") && !ledger.equals("evm")) {
            System.err.println("--ledger is reference or evm, not " + ledger);
            System.exit(2);
        }
        Layout layout = Layout.ofRunningJar().check();
        Folders.deleteTree(work);
        Embedded.Options options = Embedded.Options.standard(work);
        if (ledger.equals("evm")) {
            Embedded.Evm chains = Embedded.Evm.standard();
            options = options.withEvmLedgers(new Embedded.Evm(chains.port1(), chains.port2(), blockMs,
                    chains.confirmations(), chains.ledgers()));
        }
        Embedded embedded = new Embedded(layout, options);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            System.out.println("stopping the gateways and brokers ...");
            embedded.close();
            stopped.countDown();
        });
        Runtime.getRuntime().addShutdownHook(hook);

        System.out.println("work folder " + work.toAbsolutePath() + " (logs: g1/gateway.log, g2/gateway.log, g*/broker.log)");
        System.out.println(ledger.equals("evm")
                ? "starting two EVM chains (Hardhat nodes, " + (blockMs == 0 ? "a block per transaction" : "a block every "
                        + blockMs + " ms") + "), two Artemis brokers and two gateways on Payara Micro ..."
                : "starting two Artemis brokers and two gateways on Payara Micro ...");
        Duration startup = embedded.start(Duration.ofMinutes(5));
        GatewayClient g1 = Embedded.client(embedded.g1());
        GatewayClient g2 = Embedded.client(embedded.g2());
        System.out.printf("both gateways up in %.1f s: G1 %s  G2 %s%n", startup.toMillis() / 1000.0, g1.base(), g2.base());
        for (HardhatNode chain : java.util.Arrays.asList(embedded.chain1(), embedded.chain2())) {
            if (chain != null) {
                GatewayNode g = chain == embedded.chain1() ? embedded.g1() : embedded.g2();
                System.out.printf("%s's ledger: EVM chain %d at %s, contract AssetCustody at %s%n", g.name(),
                        chain.chainId(), chain.url(), g.settings().get("gateway.ledger.contract"));
            }
        }

        String asset = "bond-" + UUID.randomUUID().toString().substring(0, 8);
        long amount = 1_000_000;
        GatewayClient.Answer issued = g1.issueRetrying(asset, ASSET_OWNER, amount, Duration.ofSeconds(60));
        if (!issued.ok()) {
            throw new IllegalStateException("issuing the asset failed: " + issued.body());
        }
        System.out.printf("issued %s (%d units) to %s on ledger-one%n", asset, amount, ASSET_OWNER);
        balances(embedded, g1, g2, asset);

        Map<String, Object> job = new LinkedHashMap<>();
        job.put("transferContextId", "demo-" + UUID.randomUUID());
        job.put("digitalAssetId", asset);
        job.put("assetProfileId", "bond/v1");
        job.put("amount", amount);
        job.put("originator", ASSET_OWNER);
        job.put("beneficiary", BENEFICIARY);
        job.put("originatorPublicKey", "originator-key-of-alice");
        job.put("beneficiaryPublicKey", "beneficiary-key-of-bob");
        long t0 = System.nanoTime();
        GatewayClient.Answer submitted = g1.submit(job);
        if (submitted.status() != 202) {
            throw new IllegalStateException("the job was refused: " + submitted.status() + " " + submitted.body());
        }
        String id = submitted.body().path("id").asText();
        System.out.println("submitted transfer job " + id + " -> " + submitted.location());
        System.out.println("   elapsed  gw  seq  log entry");
        JsonNode end1 = follow(g1, g2, id, t0, Duration.ofMinutes(3));
        System.out.printf("transfer %s on G1, %s on G2, in %d ms (job submitted to both sides ended)%n",
                end1.path("g1").asText(), end1.path("g2").asText(), (System.nanoTime() - t0) / 1_000_000);
        balances(embedded, g1, g2, asset);
        System.out.println("memory (RSS):");
        embedded.pids().forEach((name, pid) -> System.out.printf("   %-11s pid %-7d %5d MiB%n", name, pid, Processes.rssMiB(pid)));

        if (stay) {
            System.out.println();
            Path tokens = embedded.writeTokens(Duration.ofDays(1));
            System.out.println("The gateways keep running. Every call needs a bearer token of the embedded identity provider;"
                    + " one per gateway and role, valid for a day, is in " + tokens + " (docs/security.md). Try:");
            System.out.println("   # the transfer above, as an operator sees it (a back office sees the jobs it submitted)");
            System.out.println("   curl -H \"Authorization: Bearer $(cat " + tokens.resolve("g1-operator.token") + ")\" "
                    + g1.base() + "api/v1/transfers/" + id);
            System.out.println("   curl -H \"Authorization: Bearer $(cat " + tokens.resolve("g2-back-office.token") + ")\" "
                    + g2.base() + "api/v1/ledger/assets/" + asset);
            System.out.println("   curl -H \"Authorization: Bearer $(cat " + tokens.resolve("g1-ledger-issuer.token") + ")\" "
                    + "-H 'Content-Type: application/json' " + g1.base() + "api/v1/ledger/assets "
                    + "-d '{\"assetId\":\"bond-2\",\"owner\":\"" + ASSET_OWNER + "\",\"amount\":5}'");
            System.out.println("   curl -H \"Authorization: Bearer $(cat " + tokens.resolve("g1-back-office.token") + ")\" "
                    + "-H 'Content-Type: application/json' " + g1.base() + "api/v1/transfers -d '"
                    + "{\"transferContextId\":\"my-1\",\"digitalAssetId\":\"bond-2\",\"assetProfileId\":\"bond/v1\",\"amount\":5,"
                    + "\"originator\":\"" + ASSET_OWNER + "\",\"beneficiary\":\"" + BENEFICIARY + "\","
                    + "\"originatorPublicKey\":\"k1\",\"beneficiaryPublicKey\":\"k2\"}'");
            System.out.println();
            System.out.println("The operator's console (docs/operations.md):");
            System.out.println("   admin page   " + g1.base() + "admin/  (G1) and " + g2.base() + "admin/  (G2): sign in with"
                    + " the operator token, " + tokens.resolve("g1-operator.token") + " or " + tokens.resolve("g2-operator.token"));
            System.out.println("   metrics      curl -H \"Authorization: Bearer $(cat " + tokens.resolve("g1-operator.token")
                    + ")\" " + g1.base() + "metrics");
            System.out.println("   health       " + g1.base() + "health/ready (per dependency), " + g1.base() + "health/live");
            System.out.println("   MBeans       jconsole " + embedded.g1().pid() + "  (G1)  or  jconsole " + embedded.g2().pid()
                    + "  (G2), as this user; domain org.satpgateway (Gateway, Peer, DeadLetters, one Session per unfinished"
                    + " session). VisualVM attaches the same way.");
            System.out.println("   API          " + g1.base() + "openapi (the OpenAPI document of the REST interfaces)");
            System.out.println();
            System.out.println("Peer endpoints (mutual TLS 1.3, a client certificate of the other organisation): "
                    + embedded.g1().peerEndpoint() + " and " + embedded.g2().peerEndpoint());
            System.out.println("Keys and certificates: " + work.toAbsolutePath().resolve("pki") + " (roots) and each"
                    + " gateway's data folder (docs/security.md)");
            System.out.println("Brokers: " + embedded.broker1().url() + " (G1), " + embedded.broker2().url() + " (G2); their"
                    + " users (gateway, back-office, operator) and passwords: " + embedded.broker1().usersFile() + ", "
                    + embedded.broker2().usersFile());
            System.out.println("Press Ctrl-C to stop everything.");
            stopped.await();
        } else {
            Runtime.getRuntime().removeShutdownHook(hook);
            embedded.close();
            System.out.println("stopped.");
        }
    }

    /** Prints both gateways' log entries of the session as they appear, until both sides ended it. */
    private static JsonNode follow(GatewayClient g1, GatewayClient g2, String id, long t0, Duration timeout)
            throws IOException, InterruptedException {
        Set<String> seen = new HashSet<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String s1 = print("G1", g1, id, seen, t0);
            String s2 = print("G2", g2, id, seen, t0);
            if (ended(s1) && ended(s2)) {
                return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("g1", s1).put("g2", s2);
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the transfer did not end within " + timeout);
    }

    private static String print(String label, GatewayClient g, String id, Set<String> seen, long t0) throws IOException {
        JsonNode t = g.transfer(id).orElse(null);
        if (t == null) {
            return null;
        }
        for (JsonNode e : t.path("history")) {
            String key = label + e.path("sequenceNumber").asText() + e.path("type").asText() + e.path("operation").asText();
            if (seen.add(key)) {
                System.out.printf("%7d ms  %s  %3d  %s %s%n", (System.nanoTime() - t0) / 1_000_000, label,
                        e.path("sequenceNumber").asInt(), e.path("type").asText(), e.path("operation").asText());
            }
        }
        return t.path("state").asText();
    }

    private static boolean ended(String state) {
        return state != null && Set.of("COMPLETED", "ROLLED_BACK", "ABORTED", "REJECTED").contains(state);
    }

    private static void balances(Embedded embedded, GatewayClient g1, GatewayClient g2, String asset) throws IOException {
        System.out.println("   " + ledgerName("ledger-one", embedded.chain1()) + ": "
                + g1.asset(asset).map(EmbeddedMain::describe).orElse("no such asset") + "; total supply " + g1.totalSupply());
        System.out.println("   " + ledgerName("ledger-two", embedded.chain2()) + ": "
                + g2.asset(asset).map(EmbeddedMain::describe).orElse("no such asset") + "; total supply " + g2.totalSupply());
    }

    /** The ledger's name, and its chain when it is one: what its contract on that chain says, through the gateway. */
    private static String ledgerName(String network, HardhatNode chain) {
        return chain == null ? network : network + " (EVM chain " + chain.chainId() + ")";
    }

    private static String describe(JsonNode a) {
        return a.path("assetId").asText() + " owner " + a.path("owner").asText() + ", " + a.path("amount").asLong()
                + " units, " + a.path("state").asText();
    }
}
