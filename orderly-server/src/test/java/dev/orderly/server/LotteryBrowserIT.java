package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The lottery check page in headless Chromium: a ticket taken in the pre-queue is filled in from
 * the tab, the page shows the commitment alone before the opening, and after it recomputes the
 * ticket's rank in the browser and finds it equal to the rank the gate serves — in Korean on a
 * desktop and in English on a 390×844 phone. Both land in target/screenshots; docs/lottery-check.png
 * is the Korean desktop one, copied by hand.
 *
 * <p>Skipped when /usr/bin/chromium is missing, except on CI (CI=true), where it fails instead.
 */
class LotteryBrowserIT {

    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");

    @Test
    void aTicketHolderSeesTheirRecomputedRankMatchTheGates() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            Assumptions.assumeTrue("true".equals(System.getenv("CI")), "no Chromium at " + CHROMIUM + "; the browser test is skipped");
            throw new AssertionError("CI=true but there is no Chromium at " + CHROMIUM);
        }
        ShiftingClock clock = new ShiftingClock();
        Instant opensAt = Instant.now().plus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.SECONDS);
        String at = OffsetDateTime.ofInstant(opensAt, ZoneOffset.ofHours(9)).toString();
        try (OrderlyApp app = TestApp.start(Map.of("ORDERLY_GATES_OPEN_AT", at, "ORDERLY_GATES_PRE_QUEUE_MINUTES", "30",
                "ORDERLY_GATE_IDENTITY_RATE", "1"), clock);
             Playwright playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
             Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM).setHeadless(true)
                     .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                             "--disable-component-update", "--disable-sync")))) {
            String base = "http://127.0.0.1:" + app.port();
            for (int i = 0; i < 40; i++) {
                assertThat(new ApiClient(app.port()).post("/api/gates/identity/join", new JsonObject()).status()).isEqualTo(201);
            }
            BrowserContext desktop = browser.newContext(new Browser.NewContextOptions().setLocale("ko-KR").setViewportSize(1280, 900));
            BrowserContext phone = browser.newContext(new Browser.NewContextOptions().setLocale("en-US").setViewportSize(390, 844)
                    .setIsMobile(true).setHasTouch(true));
            List<String> errors = new ArrayList<>();
            String axe = AccessibilityBrowserIT.axeSource();
            desktop.addInitScript(axe);
            phone.addInitScript(axe);
            List<String> violations = new ArrayList<>();
            Page ko = page(desktop, base, errors);
            Page en = page(phone, base, errors);
            // The English phone gets English on its first visit (the pages follow the browser's language).
            for (Page p : List.of(ko, en)) {
                p.click("#check");
                p.waitForSelector("#verdict .alert.info");
                assertThat(p.textContent("#secret")).isNotBlank();
                assertThat(p.textContent("#commitment")).matches("[0-9a-f]{64}");
            }
            for (Page p : List.of(ko, en)) {
                AccessibilityBrowserIT.axeViolations(p).forEach(v -> violations.add(p.url() + " [not revealed yet]: " + v));
            }
            assertThat(ko.textContent("#verdict")).contains("아직 공개 전");
            assertThat(en.textContent("#verdict")).contains("Not revealed yet");

            clock.jumpTo(opensAt.minusSeconds(1));
            ApiClient anyone = new ApiClient(app.port());
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (!anyone.get("/api/gates/identity/lottery").json().getBoolean("revealed")) {
                assertThat(System.nanoTime()).as("revealed within a minute").isLessThan(deadline);
                Thread.sleep(100);
            }
            for (Page p : List.of(ko, en)) {
                p.click("#check");
                p.waitForSelector("#verdict .alert.success");
                assertThat(p.textContent("#recomputed")).isEqualTo(p.textContent("#served"));
                assertThat(p.textContent("#secret")).matches("[0-9a-f]{64}");
            }
            for (Page p : List.of(ko, en)) {
                AccessibilityBrowserIT.axeViolations(p).forEach(v -> violations.add(p.url() + " [place matches]: " + v));
            }
            assertThat(ko.textContent("#verdict")).contains("순번이 일치합니다");
            assertThat(en.textContent("#verdict")).contains("Your place matches");

            // A pasted ticket that is not one is refused on the page, before any call.
            ko.fill("#ticket", "not-a-ticket");
            ko.click("#check");
            ko.waitForSelector("#problem:not([hidden])");
            assertThat(ko.textContent("#problem")).contains("대기표 형식이 아닙니다");
            AccessibilityBrowserIT.axeViolations(ko).forEach(v -> violations.add("ko [not a ticket]: " + v));
            assertThat(violations).as("axe violations").isEmpty();

            Path shots = Paths.get("target", "screenshots");
            Files.createDirectories(shots);
            ko.fill("#ticket", "");
            ko.reload();
            ko.click("#check");
            ko.waitForSelector("#verdict .alert.success");
            ko.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("lottery-check-ko.png")).setFullPage(true));
            en.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("lottery-check-en-phone.png")).setFullPage(true));
            assertThat(errors).isEmpty();
        }
    }

    /** The lottery page, in a tab that joined the identity gate's pre-queue itself. */
    private static Page page(BrowserContext context, String base, List<String> errors) {
        context.setDefaultTimeout(20_000);
        Page page = context.newPage();
        page.onConsoleMessage(m -> {
            if ("error".equals(m.type())) {
                errors.add(m.text());
            }
        });
        page.onPageError(errors::add);
        page.navigate(base + "/lottery.html");
        Object ticket = page.evaluate("""
                async () => {
                  const r = await fetch('/api/gates/identity/join', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
                  const j = await r.json();
                  sessionStorage.setItem('orderly.ticket', JSON.stringify(j.ticket));
                  return j.ticket;
                }""");
        assertThat(ticket).isNotNull();
        page.reload();
        assertThat(page.inputValue("#ticket")).isEqualTo(ticket);
        return page;
    }
}
