package org.satpgateway.it.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.satpgateway.it.support.SharedGateways;
import org.satpgateway.it.support.Transfers;
import org.satpgateway.launcher.Embedded;
import org.satpgateway.launcher.GatewayClient;
import org.satpgateway.launcher.IdentityProvider;

/**
 * The operator's admin page in a real browser (headless Chromium, {@link Browser}) on G1 of the pair the test classes
 * share ({@link SharedGateways}): an operator signs in with a token of the identity provider, watches a transfer that
 * a back office submitted appear and complete, opens its timeline with both gateways' entries, and pauses intake
 * through the page's confirmation, after which G1 answers a job 503 with Retry-After, then resumes it. Screenshots of
 * each stage go to {@code target/screenshots/}. Intake is resumed through the API after the class, whatever happened,
 * so that the classes after it find G1 taking jobs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedGateways.class)
class AdminPageIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TRANSFER = Duration.ofSeconds(90);

    private Embedded embedded;
    private IdentityProvider idp;
    private GatewayClient g1;
    private GatewayClient g2;
    private Browser browser;

    @BeforeAll
    void start(Embedded shared) throws IOException {
        Browser.requireInstalled();
        embedded = shared;
        idp = shared.identityProvider();
        g1 = Embedded.client(shared.g1());
        g2 = Embedded.client(shared.g2());
        browser = new Browser();
    }

    @AfterAll
    void stop() throws IOException {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (g1 != null) {
                GatewayClient.Answer resumed = g1.as(operatorToken("it-cleanup"))
                        .postRaw("api/v1/admin/intake/resume", null, new byte[0]);
                if (!resumed.ok()) {
                    System.err.println("[admin-page] intake of G1 could not be resumed: " + resumed.status() + " " + resumed.body());
                }
            }
        }
    }

    private String operatorToken(String subject) {
        return idp.token(subject, "gateway-one", List.of("operator"), Duration.ofMinutes(30));
    }

    /** A back office acting for every account of bank-one. */
    private GatewayClient backOffice() {
        return g1.as(idp.token("page-back-office", "gateway-one", List.of("back-office"), List.of("*@bank-one"),
                Duration.ofMinutes(30)));
    }

    private String issue(long amount) throws IOException {
        String asset = "bond-" + UUID.randomUUID();
        GatewayClient.Answer a = g1.as(idp.token("page-issuer", "gateway-one", List.of("ledger-issuer"), Duration.ofMinutes(10)))
                .issue(asset, Transfers.ALICE, amount);
        assertEquals(201, a.status(), () -> "issue " + asset + ": " + a.body());
        return asset;
    }

    @Test
    void anOperatorWatchesATransferCompleteOnThePageAndPausesAndResumesIntakeThroughIt() throws Exception {
        URI page = embedded.g1().baseUri().resolve("admin/");
        browser.open(page);
        browser.visible(By.id("signin-token"));
        browser.screenshot("admin-01-signin");
        browser.signIn(operatorToken("ops-page"));
        browser.waitFor("G1 ready on the overview",
                d -> "true".equals(d.findElement(By.id("overview-ready")).getAttribute("data-ready")));
        assertEquals("false", browser.driver().findElement(By.id("overview-intake")).getAttribute("data-paused"));
        browser.screenshot("admin-02-overview");

        // a transfer submitted by a back office appears on the page and completes there
        String asset = issue(11);
        String context = "ctx-page-" + asset;
        GatewayClient.Answer submitted = backOffice().submit(Transfers.job(asset, 11, context));
        assertEquals(202, submitted.status(), () -> "submit: " + submitted.body());
        String id = submitted.body().path("id").asText();
        browser.click(By.id("tab-transfers"));
        browser.type(By.id("filter-text"), context);
        By row = By.cssSelector("#transfers-table tbody tr[data-session-id='" + id + "']");
        browser.waitFor("the transfer " + id + " in the table", d -> d.findElement(row).isDisplayed());
        assertEquals(context, browser.driver().findElement(row).findElement(By.cssSelector("td.context")).getText());
        assertEquals("CLIENT", browser.driver().findElement(row).findElement(By.cssSelector("td.role")).getText());
        browser.screenshot("admin-03-transfer-listed");
        browser.waitFor("the transfer to be COMPLETED on the page", TRANSFER,
                d -> "COMPLETED".equals(d.findElement(row).findElement(By.cssSelector("td.state")).getText()));
        browser.screenshot("admin-04-transfer-completed");

        // its timeline holds the entries of both gateways, in time order
        browser.click(row);
        browser.visible(By.id("view-timeline"));
        assertEquals(id, browser.visible(By.id("timeline-session")).getText());
        List<WebElement> entries = browser.waitFor("entries of both gateways in the timeline", d -> {
            List<WebElement> rows = d.findElements(By.cssSelector("#timeline tbody tr"));
            boolean mine = rows.stream().anyMatch(r -> "this".equals(r.getAttribute("data-gateway")));
            boolean peers = rows.stream().anyMatch(r -> "peer".equals(r.getAttribute("data-gateway")));
            return mine && peers ? rows : null;
        });
        List<String> times = entries.stream().map(r -> r.findElement(By.cssSelector("td.at")).getAttribute("title")).toList();
        assertEquals(times.stream().sorted(java.util.Comparator.comparing(java.time.Instant::parse)).toList(), times,
                "the entries are in time order");
        assertTrue(browser.driver().findElement(By.id("action-rollback")).getAttribute("disabled") != null,
                "a completed transfer offers no rollback");
        assertTrue(browser.driver().findElement(By.id("timeline-peer-error")).getAttribute("hidden") != null,
                "the peer's log was read");
        browser.screenshot("admin-05-timeline");

        // intake paused through the page: a job is answered 503 with Retry-After
        browser.click(By.id("tab-overview"));
        browser.click(By.id("action-pause"));
        String question = browser.answerConfirmation(true);
        assertTrue(question.startsWith("Pause intake"), question);
        browser.waitFor("intake paused on the page",
                d -> "true".equals(d.findElement(By.id("overview-intake")).getAttribute("data-paused")));
        browser.textWhen(By.id("action-result"), "the answer to the pause", t -> t.contains("Intake paused"));
        assertTrue(browser.visible(By.id("overview-intake-by")).getText().contains("ops-page"),
                "the page says who paused intake");
        browser.screenshot("admin-06-intake-paused");

        String refusedAsset = issue(12);
        HttpResponse<String> refused = submitRaw(Transfers.job(refusedAsset, 12, "ctx-page-" + refusedAsset));
        assertEquals(503, refused.statusCode(), refused::body);
        Optional<String> retryAfter = refused.headers().firstValue("Retry-After");
        assertTrue(retryAfter.isPresent(), () -> "503 without Retry-After: " + refused.headers().map());
        assertEquals(503, JSON.readTree(refused.body()).path("status").asInt(), "problem+json: " + refused.body());
        assertTrue(g1.transfers(null).findValues("transferContextId").stream()
                .noneMatch(c -> c.asText().equals("ctx-page-" + refusedAsset)), "no job was taken while paused");

        // resumed through the page: jobs are taken again
        browser.click(By.id("action-resume"));
        browser.answerConfirmation(true);
        browser.waitFor("intake running on the page",
                d -> "false".equals(d.findElement(By.id("overview-intake")).getAttribute("data-paused")));
        browser.screenshot("admin-07-intake-resumed");
        GatewayClient.Answer again = backOffice().submit(Transfers.job(refusedAsset, 12, "ctx-page-" + refusedAsset));
        assertEquals(202, again.status(), () -> "after resume: " + again.body());
        Transfers.awaitBoth(g1, g2, again.body().path("id").asText(), TRANSFER, Transfers::completed);

        List<String> errors = browser.consoleErrors().stream()
                .filter(e -> !e.contains("Failed to load resource")).toList();
        assertEquals(List.of(), errors, "no script error and no Content-Security-Policy refusal in the page");
    }

    /** {@code POST /api/v1/transfers} as the back office, keeping the answer's headers (Retry-After). */
    private HttpResponse<String> submitRaw(Map<String, Object> job) throws IOException, InterruptedException {
        String token = idp.token("page-back-office", "gateway-one", List.of("back-office"), List.of("*@bank-one"),
                Duration.ofMinutes(10));
        HttpRequest request = HttpRequest.newBuilder(g1.base().resolve("api/v1/transfers"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(job)))
                .build();
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofString());
    }
}
