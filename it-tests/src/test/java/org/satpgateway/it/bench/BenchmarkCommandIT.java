package org.satpgateway.it.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.satpgateway.launcher.BenchmarkMain;

/**
 * The benchmark command ({@code config/benchmark.sh --ledger evm}) in miniature, so that it keeps working: two short
 * levels (1 and 4 transfers in flight, each gateway sending every transaction of its chain through one account) and
 * a recovery run of five transfers. It checks the shape and honesty of the report, not speed: every transfer it
 * counts ended on both sides, and after the kill -9 nothing was lost or duplicated.
 */
class BenchmarkCommandIT {

    @Test
    void theBenchmarkRunsAndReportsEveryFigure() throws Exception {
        Path out = Path.of(System.getProperty("satp.work", "target/it")).resolve("benchmark-" + System.nanoTime())
                .toAbsolutePath();
        BenchmarkMain.main(new String[] {"--out", out.toString(), "--ledger", "evm", "--levels", "1,4", "--seconds", "4",
                "--warmup", "3", "--recovery", "5"});

        Path json;
        try (Stream<Path> files = Files.list(out)) {
            List<Path> reports = files.filter(p -> p.getFileName().toString().endsWith(".json")).toList();
            assertEquals(1, reports.size(), "one JSON report");
            json = reports.get(0);
        }
        assertTrue(Files.exists(Path.of(json.toString().replace(".json", ".txt"))), "and its text table");
        JsonNode r = new ObjectMapper().readTree(json.toFile());
        assertEquals("h2", r.path("log").asText());
        assertEquals("evm (automine)", r.path("ledger").asText());
        assertEquals(2, r.path("levels").size());
        for (JsonNode level : r.path("levels")) {
            assertTrue(level.path("transfers").asInt() > 0, "transfers at " + level.path("inFlight"));
            assertEquals(0, level.path("notCompleted").asInt(), "every transfer completed on both sides");
            assertEquals(0, level.path("failures").size(), () -> "no failure: " + level.path("failures"));
            assertTrue(level.path("latencyMillis").path("p50").asLong() > 0);
            assertTrue(level.path("processes").has("gateway G1") && level.path("processes").has("gateway G2")
                    && level.path("processes").has("broker G1"), "CPU and memory of every process");
        }
        JsonNode recovery = r.path("recovery");
        assertEquals(5, recovery.path("inFlight").asInt());
        assertEquals(0, recovery.path("problems").size(), () -> "nothing lost or duplicated: " + recovery.path("problems"));
        assertEquals(recovery.path("supplyBefore").asLong(), recovery.path("supplyAfter").asLong());
        long ended = 0;
        for (JsonNode n : recovery.path("outcomes")) {
            ended += n.asLong();
        }
        assertEquals(5, ended, "every transfer of the recovery run ended on both sides");
        // the operators' metrics after the run: G1 ran the jobs as client, G2 served them
        String m1 = Files.readString(out.resolve("metrics-g1.txt"));
        String m2 = Files.readString(out.resolve("metrics-g2.txt"));
        assertTrue(m1.lines().anyMatch(l -> l.startsWith("satp_sessions{") && l.contains("role=\"CLIENT\"")
                && l.contains("state=\"COMPLETED\"") && !l.endsWith(" 0")), "G1 counts its completed transfers");
        assertTrue(m2.lines().anyMatch(l -> l.startsWith("satp_step_duration_ms_count{")), "G2 times its steps");
        // transfers in flight through one account on each chain: the nodes refused no transaction for its nonce
        for (String gateway : List.of("g1", "g2")) {
            String log = Files.readString(out.resolve("work").resolve(gateway).resolve("gateway.log"))
                    .toLowerCase(java.util.Locale.ROOT);
            assertTrue(!log.contains("nonce too low") && !log.contains("replacement transaction"),
                    gateway + " met no nonce error and replaced no transaction");
        }
    }
}
