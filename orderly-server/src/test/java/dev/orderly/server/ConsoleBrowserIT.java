package dev.orderly.server;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import dev.orderly.staff.Totp;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * An operator runs part of a night from the console in headless Chromium: signs in with password
 * and authenticator code, watches the live figures move while people join, pauses the identity
 * line with a message in Korean and English and a time it will move again — a citizen waiting in
 * another browser reads that message and time in their language, not "not opened yet" — resumes
 * it, and finds both actions in the audit log. Every console page is screenshotted into
 * target/screenshots; no page may log an error, fail an asset or break the CSP.
 *
 * <p>Skipped when /usr/bin/chromium is missing, except on CI (CI=true), where it fails instead.
 */
class ConsoleBrowserIT {

    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    private static final Path SCREENSHOTS = Paths.get("target", "screenshots");
    private static final String TOKEN = BookingHttpIT.TOKEN;
    private static final String PASSWORD = "a long console password";
    private static final ZoneId SEOUL = ZoneId.of("Asia/Seoul");
    private static final String REPORT_CSP_VIOLATIONS = """
            document.addEventListener('securitypolicyviolation', e =>
              console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber));
            """;

    @Test
    void anOperatorWatchesPausesWithABilingualNoticeResumesAndFindsItInTheAuditLog() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            String why = "no Chromium at " + CHROMIUM + ": install the chromium package to run the console walk";
            if ("true".equals(System.getenv("CI"))) {
                fail(why + " (CI must have it)");
            }
            Assumptions.assumeTrue(false, why);
        }
        Files.createDirectories(SCREENSHOTS);
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        PlaywrightAssertions.setDefaultAssertionTimeout(30_000);
        try {
            walk(problems);
        } finally {
            PlaywrightAssertions.setDefaultAssertionTimeout(5_000);
        }
        assertThat(problems).as("console errors, page errors, CSP violations and failed assets").isEmpty();
    }

    private static void walk(List<String> problems) throws Exception {
        // One person a second through identity: the people who join below stay in line.
        try (OrderlyApp app = TestApp.start(Map.of("ORDERLY_OPERATOR_TOKEN", TOKEN, "ORDERLY_GATE_IDENTITY_RATE", "1"), Clock.systemUTC());
             Playwright playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
             Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                     .setExecutablePath(CHROMIUM).setHeadless(true)
                     .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                             "--disable-component-update", "--disable-sync")));
             // The operator's laptop, Korean; the citizen's phone, English, in a zone far from Seoul.
             BrowserContext desk = browser.newContext(new Browser.NewContextOptions().setViewportSize(1366, 900)
                     .setLocale("ko-KR").setTimezoneId("Asia/Seoul"));
             BrowserContext phone = browser.newContext(new Browser.NewContextOptions().setViewportSize(390, 844).setIsMobile(true)
                     .setLocale("en-US").setTimezoneId("America/Los_Angeles"))) {
            String base = "http://127.0.0.1:" + app.port();
            ApiClient machine = new ApiClient(app.port()).withBearer(TOKEN);
            // Waiting people ask again within 5 s (the default allows a minute): the walk need not wait that long.
            JsonObject identity = machine.get("/api/operator/gates/identity").json();
            for (String drop : List.of("name", "mode", "figures", "messageEn", "expectedBack")) {
                identity.remove(drop);
            }
            assertThat(machine.put("/api/operator/gates/identity", identity.put("maxPollSeconds", 5)).status()).isEqualTo(200);
            JsonObject account = machine.post("/api/operator/staff", new JsonObject().put("login", "kim").put("name", "김민지")
                    .put("role", "operator").put("password", PASSWORD)).json();
            String secret = account.getString("totpSecret");

            for (BrowserContext c : List.of(desk, phone)) {
                c.setDefaultTimeout(30_000);
                c.addInitScript(REPORT_CSP_VIOLATIONS);
                c.onPage(p -> watch(p, problems));
            }

            // 1. Sign in with password and the authenticator's code.
            Page console = desk.newPage();
            console.navigate(base + "/console.html");
            assertThat(console.locator("#sign-in")).isVisible();
            shot(console, "console-00-sign-in");
            console.locator("#login").fill("kim");
            console.locator("#password").fill(PASSWORD);
            console.locator("#code").fill(Totp.code(secret, Instant.now()));
            console.locator("#sign-in-form button[type=submit]").click();
            assertThat(console.locator("#who")).containsText("김민지");
            assertThat(console.locator("#section-dashboard")).isVisible();

            // 2. Live figures move while people join.
            Page citizen = phone.newPage();
            Thread load = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 25; i++) {
                    new ApiClient(app.port()).post("/api/gates/identity/join", null);
                }
            });
            assertThat(console.locator("#live-state")).hasText("실시간 (1초마다)");
            Locator waiting = console.locator("#big-numbers .big-number").first().locator(".big-value");
            assertThat(waiting).hasText(Pattern.compile("^[1-9][0-9,]*$"));
            load.join();
            assertThat(console.locator("#gate-table")).containsText("identity");
            assertThat(console.locator("#cohort-table")).containsText("%");
            assertThat(console.locator("#digit-bars .digit-bar")).hasCount(10);
            assertThat(console.locator("#chart-hour .uplot")).isVisible();
            shot(console, "console-01-dashboard");

            // 3. A citizen is in line behind them, on an English page.
            // The browser is set to English: the pages follow it on the first visit.
            citizen.navigate(base + "/");
            citizen.locator("#join").click();
            citizen.waitForURL(Pattern.compile(".*/wait\\.html.*"));
            assertThat(citizen.locator("#ahead")).hasText(Pattern.compile("[1-9]"));

            // 4. Pause identity with a notice in both languages and when it moves again; confirmed first.
            console.locator(".console-nav button[data-section=gates]").click();
            Locator card = console.locator("#gate-identity");
            assertThat(card).isVisible();
            Instant back = Instant.now().plus(Duration.ofMinutes(40)).truncatedTo(ChronoUnit.MINUTES);
            String backLocal = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm").withZone(SEOUL).format(back);
            // The English page writes Seoul time on a 12-hour clock: "7:45:00 PM".
            String backShown = DateTimeFormatter.ofPattern("h:mm").withZone(SEOUL).format(back);
            console.locator("#gate-identity-ko").fill("본인인증 서비스 점검 중입니다");
            console.locator("#gate-identity-en").fill("Identity checks are under maintenance");
            console.locator("#gate-identity-back").fill(backLocal);
            card.locator("button[data-action=pause]").click();
            assertThat(console.locator("#confirm")).isVisible();
            assertThat(console.locator("#confirm-body")).containsText("Identity checks are under maintenance");
            shot(console, "console-02-confirm-pause");
            console.locator("#confirm-ok").click();
            assertThat(console.locator("#gate-identity .state")).hasText("일시 중지");
            shot(console, "console-03-gates-paused");

            // 5. The citizen reads the English notice and the time, not "not opened yet" or "less than a minute".
            Locator notice = citizen.locator("#not-open");
            assertThat(notice).isVisible();
            assertThat(citizen.locator("#not-open-text")).containsText("Identity checks are under maintenance");
            assertThat(citizen.locator("#not-open-text")).containsText(backShown);
            assertThat(citizen.locator("#not-open-title")).hasText("The line is paused for a moment");
            assertThat(citizen.locator("#eta")).not().containsText("less than a minute");
            // No estimate while paused (issue #16): the restart time is in the notice above.
            assertThat(citizen.locator("#eta")).hasText("While the line is paused, the wait cannot be estimated");
            assertThat(citizen.locator("body")).not().containsText("has not opened yet");
            shotPhone(citizen, "console-04-citizen-sees-pause");

            // 6. Resume, then both actions are in the audit log, by this person.
            card = console.locator("#gate-identity");
            card.locator("button[data-action=resume]").click();
            console.locator("#confirm-ok").click();
            assertThat(console.locator("#gate-identity .state")).hasText("입장 중");
            assertThat(citizen.locator("#not-open")).isHidden();

            // The admission rate, then the policy as JSON.
            console.locator("#gate-identity-rate").fill("3");
            console.locator("#gate-identity button[data-action=rate]").click();
            console.locator("#confirm-ok").click();
            assertThat(console.locator("#gate-identity-policy")).hasValue(Pattern.compile(".*\"perSecond\":3(\\.0)?[,}].*"));
            console.locator("#gate-identity-policy").fill("{\"policy\":\"CONCURRENCY_TARGET\",\"maxOutstanding\":20,\"maxPerSecond\":5}");
            console.locator("#gate-identity button[data-action=policy]").click();
            console.locator("#confirm-ok").click();
            assertThat(console.locator("#gate-identity-policy")).hasValue(Pattern.compile(".*CONCURRENCY_TARGET.*"));

            console.locator(".console-nav button[data-section=audit]").click();
            Locator log = console.locator("#audit-table");
            assertThat(log).containsText("gate.pause");
            assertThat(log).containsText("gate.resume");
            assertThat(log).containsText("gate.admission");
            assertThat(log.locator("tr", new Locator.LocatorOptions().setHasText("gate.pause"))).containsText("kim (operator)");
            console.locator("#audit-verify").click();
            assertThat(console.locator("#audit-verify-result")).containsText("온전합니다");
            shot(console, "console-05-audit");

            // 7. The other pages, each shown once.
            for (String section : List.of("cohorts", "capacity", "groups", "staff", "integrity")) {
                console.locator(".console-nav button[data-section=" + section + "]").click();
                assertThat(console.locator("#section-" + section)).isVisible();
                if (section.equals("staff")) {
                    assertThat(console.locator("#staff-table")).containsText("kim");
                }
                if (section.equals("integrity")) {
                    console.locator("#integrity-run").click();
                    assertThat(console.locator("#integrity-result")).containsText("문제가 없습니다");
                }
                if (section.equals("cohorts")) {
                    assertThat(console.locator("#cohort-list .card").first()).isVisible();
                }
                shot(console, "console-06-" + section);
            }

            // 8. In English too, and signing out ends the session.
            console.locator("[data-lang-toggle]").click();
            console.locator(".console-nav button[data-section=dashboard]").click();
            assertThat(console.locator("#dash-title")).hasText("Live figures");
            assertThat(console.locator("#live-state")).hasText("Live (every second)");
            shot(console, "console-07-dashboard-en");
            console.locator("#sign-out").click();
            assertThat(console.locator("#sign-in")).isVisible();
            console.reload();
            assertThat(console.locator("#sign-in")).isVisible();
        }
    }

    private static void watch(Page page, List<String> problems) {
        page.onConsoleMessage(m -> {
            // A 401 from /api/staff/me before signing in is how the page learns to show the form.
            if ("error".equals(m.type()) && !m.text().contains("401")) {
                problems.add(page.url() + ": console error: " + m.text());
            }
        });
        page.onPageError(e -> problems.add(page.url() + ": page error: " + e));
        page.onResponse(r -> {
            if (r.status() >= 400 && !r.url().contains("/api/")) {
                problems.add(page.url() + ": " + r.status() + " for " + r.url());
            }
        });
    }

    private static void shot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")).setFullPage(true));
    }

    private static void shotPhone(Page page, String name) {
        shot(page, name);
    }
}
