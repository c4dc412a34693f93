package org.satpgateway.it.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium driven through its ChromeDriver, for the admin page's tests: Debian's {@code /usr/bin/chromium}
 * and {@code /usr/bin/chromedriver}, named explicitly (Selenium Manager cannot download drivers or browsers on the
 * build machines), with a fresh profile folder that {@link #close()} deletes, and a 1280x800 window (its page area,
 * and so each screenshot, is 1280x657 in headless Chromium 150: it keeps room for a browser's own bars). Waits poll the
 * page until a condition holds or a deadline passes; nothing sleeps before an assertion. Screenshots go to
 * {@code it-tests/target/screenshots/} (system property {@code satp.screenshots}).
 */
public final class Browser implements AutoCloseable {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(20);
    public static final Dimension WINDOW = new Dimension(1280, 800);

    /**
     * The flags the build machines need: no sandbox (the tests run as root), and no connection of Chromium's own
     * (the machines' closed network refuses them, many at a time).
     */
    static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--window-size=" + WINDOW.width + "," + WINDOW.height);

    private static final AtomicInteger STARTED = new AtomicInteger();
    /**
     * Selenium warns at every start that it has no DevTools (CDP) module for this Chromium's version: the tests use
     * WebDriver only, none is on the class path. Held here so that the setting is not collected with the logger.
     */
    private static final java.util.logging.Logger CDP_LOG = quiet("org.openqa.selenium.devtools");

    private final Path profile;
    private final Path screenshots;
    private final Duration wait;
    private final ChromeDriverService service;
    private final ChromeDriver driver;

    /** A browser whose screenshots go to {@code satp.screenshots} (default {@code target/screenshots}). */
    public Browser() throws IOException {
        this(Path.of(System.getProperty("satp.screenshots", "target/screenshots")), DEFAULT_WAIT);
    }

    public Browser(Path screenshots, Duration wait) throws IOException {
        requireInstalled();
        this.screenshots = Files.createDirectories(screenshots.toAbsolutePath());
        this.wait = wait;
        this.profile = Files.createTempDirectory("satp-chromium-");
        Path driverLog = Files.createDirectories(this.screenshots.resolveSibling("browser-logs"))
                .resolve("chromedriver-" + ProcessHandle.current().pid() + "-" + STARTED.incrementAndGet() + ".log");
        ChromeDriverService s = null;
        try {
            s = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile())
                    .usingAnyFreePort()
                    .withLogFile(driverLog.toFile())
                    .build();
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments(FLAGS);
            options.addArguments("--user-data-dir=" + profile);
            // the page's console (CSP refusals, script errors) for consoleErrors()
            options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
            this.service = s;
            this.driver = new ChromeDriver(s, options);
            driver.manage().window().setSize(WINDOW);
        } catch (RuntimeException e) {
            if (s != null) {
                s.stop();
            }
            deleteProfile();
            throw new IllegalStateException("Chromium did not start through " + CHROMEDRIVER + " (its log: " + driverLog
                    + "): " + e.getMessage(), e);
        }
    }

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger l = java.util.logging.Logger.getLogger(name);
        l.setLevel(Level.SEVERE);
        return l;
    }

    /** Fails at once, saying how to install them, when Chromium or its driver is missing. */
    public static void requireInstalled() {
        for (Path p : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(p)) {
                throw new IllegalStateException(p + " is missing: the browser tests run Debian's chromium and "
                        + "chromium-driver packages. Install them with config/browser/install-chromium.sh (as root, or "
                        + "with passwordless sudo; the build runs it before the integration tests).");
            }
        }
    }

    public WebDriver driver() {
        return driver;
    }

    /** Opens a page and waits until its document has loaded. */
    public Browser open(URI page) {
        driver.get(page.toString());
        waitFor("the page " + page + " to load",
                d -> "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
        return this;
    }

    /**
     * Signs in to the admin page with a bearer token and waits until the gateway has answered with it (the page
     * shows "updated hh:mm:ss"); fails with the page's message when the token is refused.
     */
    public Browser signIn(String token) {
        WebElement input = waitFor("the sign-in form", ExpectedConditions.visibilityOfElementLocated(By.id("signin-token")));
        input.clear();
        input.sendKeys(token);
        click(By.id("signin-submit"));
        String outcome = waitFor("the gateway to take or refuse the token", d -> {
            WebElement error = d.findElement(By.id("signin-error"));
            if (error.isDisplayed()) {
                return "refused: " + error.getText();
            }
            WebElement updated = d.findElement(By.id("updated-at"));
            return d.findElement(By.id("console")).isDisplayed() && updated.getText().startsWith("updated ") ? "ok" : null;
        });
        if (!outcome.equals("ok")) {
            throw new AssertionError("sign-in " + outcome);
        }
        return this;
    }

    /** Waits until {@code condition} gives a value other than null or false; fails after the default deadline. */
    public <T> T waitFor(String what, Function<? super WebDriver, T> condition) {
        return waitFor(what, wait, condition);
    }

    /**
     * Waits until {@code condition} gives a value other than null or false, asking every 100 ms (an element gone or
     * replaced meanwhile counts as not yet); fails after {@code timeout} naming {@code what}.
     */
    public <T> T waitFor(String what, Duration timeout, Function<? super WebDriver, T> condition) {
        WebDriverWait w = new WebDriverWait(driver, timeout, Duration.ofMillis(100));
        w.ignoring(StaleElementReferenceException.class).ignoring(NoSuchElementException.class);
        w.withMessage(() -> "waited " + timeout.toSeconds() + " s for " + what + " (page: " + driver.getCurrentUrl() + ")");
        try {
            return w.until(condition);
        } catch (TimeoutException e) {
            Path shot = screenshotQuietly("timeout-" + what);
            throw new AssertionError(e.getMessage().lines().findFirst().orElse(what)
                    + (shot == null ? "" : "; screenshot " + shot), e);
        }
    }

    /** The visible element {@code by} finds, once there is one. */
    public WebElement visible(By by) {
        return waitFor(by + " to be visible", ExpectedConditions.visibilityOfElementLocated(by));
    }

    /** Waits until the visible text of {@code by} satisfies {@code test}; returns that text. */
    public String textWhen(By by, String what, java.util.function.Predicate<String> test) {
        return waitFor(what, d -> {
            WebElement e = d.findElement(by);
            String t = e.getText();
            return e.isDisplayed() && test.test(t) ? t : null;
        });
    }

    /** Clicks {@code by} once it is visible and enabled (again if the page replaced it in between). */
    public void click(By by) {
        waitFor(by + " to be clicked", d -> {
            WebElement e = d.findElement(by);
            if (!e.isDisplayed() || !e.isEnabled()) {
                return false;
            }
            e.click();
            return true;
        });
    }

    /** Replaces the text of an input. */
    public void type(By by, String text) {
        WebElement e = visible(by);
        e.clear();
        e.sendKeys(text);
    }

    /** Answers the page's confirmation dialog: Confirm ({@code true}) or Cancel; returns the question it asked. */
    public String answerConfirmation(boolean confirm) {
        String question = waitFor("the confirmation dialog", d -> {
            WebElement dialog = d.findElement(By.id("confirm-dialog"));
            return dialog.isDisplayed() ? d.findElement(By.id("confirm-title")).getText() + " — "
                    + d.findElement(By.id("confirm-text")).getText() : null;
        });
        click(By.id(confirm ? "confirm-ok" : "confirm-cancel"));
        waitFor("the confirmation dialog to close", d -> !d.findElement(By.id("confirm-dialog")).isDisplayed());
        return question;
    }

    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** Writes a PNG of the window to the screenshots folder; returns its path. */
    public Path screenshot(String name) {
        String file = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^-+|-+$", "");
        Path target = screenshots.resolve((file.isEmpty() ? "screenshot" : file) + ".png");
        try {
            Files.write(target, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException("screenshot " + target, e);
        }
        return target;
    }

    private Path screenshotQuietly(String name) {
        try {
            return screenshot(name.length() > 80 ? name.substring(0, 80) : name);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** What the page wrote to its console at level SEVERE since the last call (script errors, CSP refusals). */
    public List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .toList();
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            deleteProfile();
        }
    }

    private void deleteProfile() {
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("[browser] could not delete " + profile + ": " + e);
        }
    }
}
