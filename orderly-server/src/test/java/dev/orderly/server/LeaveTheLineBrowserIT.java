package dev.orderly.server;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Leaving the line in headless Chromium: a verified person waiting in the paused booking line
 * asks to be texted (Korean desktop) and closes the page; when the line moves the text comes, and
 * its link opened on a phone (English, 390×844) gives the same place back and carries on to the
 * waiting page — with the token gone from the address bar and no error on any page.
 *
 * <p>Skipped when /usr/bin/chromium is missing, except on CI (CI=true), where it fails instead.
 */
class LeaveTheLineBrowserIT {

    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    private static final String TOKEN = "operator-token-for-tests-0123456789";

    @Test
    void leaveOnTheDesktopComeBackOnThePhone() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            Assumptions.assumeTrue("true".equals(System.getenv("CI")), "no Chromium at " + CHROMIUM + "; the browser test is skipped");
            throw new AssertionError("CI=true but there is no Chromium at " + CHROMIUM);
        }
        try (OrderlyApp app = TestApp.start(Map.of("ORDERLY_OPERATOR_TOKEN", TOKEN, "ORDERLY_RECALL_LEAD_SECONDS", "60"), Clock.systemUTC());
             Playwright playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
             Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM).setHeadless(true)
                     .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                             "--disable-component-update", "--disable-sync")))) {
            String base = "http://127.0.0.1:" + app.port();
            ApiClient operator = new ApiClient(app.port()).withBearer(TOKEN);
            org.assertj.core.api.Assertions.assertThat(operator.post("/api/operator/gates/booking/pause", new JsonObject()).status())
                    .isEqualTo(200);
            JsonObject resident = new ApiClient(app.port()).get("/api/dev/residents?count=1").array().getJsonObject(0);
            List<String> errors = new ArrayList<>();
            Path shots = Paths.get("target", "screenshots");
            Files.createDirectories(shots);

            List<String> violations = new ArrayList<>();
            String axe = AccessibilityBrowserIT.axeSource();
            BrowserContext desktop = browser.newContext(new Browser.NewContextOptions().setLocale("ko-KR").setViewportSize(1280, 900));
            desktop.addInitScript(axe);
            desktop.setDefaultTimeout(30_000);
            Page page = watched(desktop.newPage(), errors);
            page.navigate(base + "/lottery.html");
            verifyInPage(page, resident);
            page.navigate(base + "/wait.html?gate=booking");
            assertThat(page.locator("#leave-line")).isVisible();
            assertThat(page.locator("#leave-title")).hasText("줄을 떠나도 자리는 그대로");
            page.click("#leave-button");
            assertThat(page.locator("#leave-result")).containsText("문자로 알려 드립니다");
            AccessibilityBrowserIT.axeViolations(page).forEach(v -> violations.add("ko wait.html [left the line]: " + v));
            page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("leave-the-line-ko.png")).setFullPage(true));
            long rank = ((Number) page.evaluate("() => JSON.parse(sessionStorage.getItem('orderly.gate.booking')).answer.rank")).longValue();
            page.close();

            org.assertj.core.api.Assertions.assertThat(operator.post("/api/operator/gates/booking/resume", null).status()).isEqualTo(200);
            String text = awaitText(new ApiClient(app.port()), resident.getString("phone"));
            String token = text.substring(text.indexOf('#') + 1, text.indexOf(' ', text.indexOf('#')));

            BrowserContext phone = browser.newContext(new Browser.NewContextOptions().setLocale("en-US").setViewportSize(390, 844)
                    .setIsMobile(true).setHasTouch(true));
            phone.addInitScript(axe);
            phone.setDefaultTimeout(30_000);
            Page back = watched(phone.newPage(), errors);
            // An English phone gets the pages in English on its first visit (no toggle needed).
            back.navigate(base + "/back.html?gate=booking#" + token);
            assertThat(back.locator("#restored-title")).hasText("Your place is back");
            assertThat(back.locator("#restored-text")).containsText("place " + rank);
            org.assertj.core.api.Assertions.assertThat(back.url()).doesNotContain("#").doesNotContain(token);
            back.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("leave-the-line-back-en-phone.png")).setFullPage(true));
            back.waitForURL(Pattern.compile(".*/(wait\\.html\\?gate=booking|book\\.html).*"));
            org.assertj.core.api.Assertions.assertThat(((Number) back.evaluate(
                    "() => JSON.parse(sessionStorage.getItem('orderly.gate.booking')).answer.rank")).longValue()).isEqualTo(rank);

            // The link is one person's: another browser is told so, on the page.
            BrowserContext otherContext = browser.newContext(new Browser.NewContextOptions().setLocale("ko-KR"));
            otherContext.addInitScript(axe);
            Page other = watched(otherContext.newPage(), new ArrayList<>());
            other.navigate(base + "/back.html?gate=booking#" + token);
            assertThat(other.locator("#problem")).containsText("다른 기기에서 이미 연 링크입니다");
            AccessibilityBrowserIT.axeViolations(other).forEach(v -> violations.add("ko back.html [another browser's link]: " + v));
            org.assertj.core.api.Assertions.assertThat(violations).as("axe violations").isEmpty();
            org.assertj.core.api.Assertions.assertThat(errors).isEmpty();
        }
    }

    /**
     * In the paused identity line, nobody verified: the phone form (English, 390×844) asks for a
     * code, refuses a wrong one on the page, takes the right one; both steps axe-clean.
     */
    @Test
    void inTheIdentityLineAnyoneLeavesWithANumberAndACode() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            Assumptions.assumeTrue("true".equals(System.getenv("CI")), "no Chromium at " + CHROMIUM + "; the browser test is skipped");
            throw new AssertionError("CI=true but there is no Chromium at " + CHROMIUM);
        }
        try (OrderlyApp app = TestApp.start(Map.of("ORDERLY_OPERATOR_TOKEN", TOKEN, "ORDERLY_RECALL_LEAD_SECONDS", "60"), Clock.systemUTC());
             Playwright playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
             Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM).setHeadless(true)
                     .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                             "--disable-component-update", "--disable-sync")))) {
            String base = "http://127.0.0.1:" + app.port();
            ApiClient operator = new ApiClient(app.port()).withBearer(TOKEN);
            org.assertj.core.api.Assertions.assertThat(operator.post("/api/operator/gates/identity/pause", new JsonObject()).status())
                    .isEqualTo(200);
            List<String> errors = new ArrayList<>();
            List<String> violations = new ArrayList<>();
            String axe = AccessibilityBrowserIT.axeSource();
            BrowserContext phoneContext = browser.newContext(new Browser.NewContextOptions().setLocale("en-US").setViewportSize(390, 844)
                    .setIsMobile(true).setHasTouch(true));
            phoneContext.addInitScript(axe);
            phoneContext.setDefaultTimeout(30_000);
            Page page = watched(phoneContext.newPage(), errors);
            page.navigate(base + "/wait.html?gate=identity");
            assertThat(page.locator("#leave-line")).isVisible();
            assertThat(page.getByLabel("Mobile number")).isVisible();
            AccessibilityBrowserIT.axeViolations(page).forEach(v -> violations.add("en wait.html [identity, phone form]: " + v));

            String number = "01033334444";
            page.getByLabel("Mobile number").fill("010-3333-4444");
            page.click("#leave-send");
            assertThat(page.getByLabel("The 6-digit code from the text")).isVisible();
            assertThat(page.locator("#leave-result")).containsText("A code was sent to");
            String sms = new ApiClient(app.port()).get("/api/dev/sms?phone=" + number).json().getString("text");
            java.util.regex.Matcher m = Pattern.compile("\\b(\\d{6})\\b").matcher(sms);
            org.assertj.core.api.Assertions.assertThat(m.find()).as(sms).isTrue();
            String code = m.group(1);
            page.getByLabel("The 6-digit code from the text").fill(code.equals("000000") ? "000001" : "000000");
            page.click("#leave-confirm");
            assertThat(page.locator("#leave-result [role=alert]")).containsText("tries left");
            AccessibilityBrowserIT.axeViolations(page).forEach(v -> violations.add("en wait.html [identity, wrong code]: " + v));

            page.getByLabel("The 6-digit code from the text").fill(code);
            page.click("#leave-confirm");
            assertThat(page.locator("#leave-result")).containsText("We will text you");
            AccessibilityBrowserIT.axeViolations(page).forEach(v -> violations.add("en wait.html [identity, left]: " + v));
            Path shots = Paths.get("target", "screenshots");
            Files.createDirectories(shots);
            page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("leave-the-line-by-phone-en.png")).setFullPage(true));

            // The same form in Korean on a desktop: another number, up to the code's question.
            BrowserContext desktop = browser.newContext(new Browser.NewContextOptions().setLocale("ko-KR").setViewportSize(1280, 900));
            desktop.addInitScript(axe);
            desktop.setDefaultTimeout(30_000);
            Page ko = watched(desktop.newPage(), errors);
            ko.navigate(base + "/wait.html?gate=identity");
            assertThat(ko.locator("#leave-line")).isVisible();
            assertThat(ko.locator("html")).hasAttribute("lang", "ko");
            AccessibilityBrowserIT.axeViolations(ko).forEach(v -> violations.add("ko wait.html [identity, phone form]: " + v));
            ko.locator("#leave-phone").fill("010-5555-6666");
            ko.click("#leave-send");
            assertThat(ko.locator("#leave-code")).isVisible();
            AccessibilityBrowserIT.axeViolations(ko).forEach(v -> violations.add("ko wait.html [identity, code form]: " + v));
            ko.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("leave-the-line-by-phone-ko.png")).setFullPage(true));
            org.assertj.core.api.Assertions.assertThat(violations).as("axe violations").isEmpty();
            org.assertj.core.api.Assertions.assertThat(errors).isEmpty();
        }
    }

    private static Page watched(Page page, List<String> errors) {
        page.onConsoleMessage(m -> {
            if ("error".equals(m.type()) && !m.text().contains("status of 4")) {
                errors.add(m.text());
            }
        });
        page.onPageError(errors::add);
        return page;
    }

    /** Through the identity line and the SMS code, in the page (so its cookies are the browser's). */
    private static void verifyInPage(Page page, JsonObject resident) {
        Object status = page.evaluate("""
                async (r) => {
                  const post = (url, body) => fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' },
                    body: JSON.stringify(body || {}) });
                  let s = await (await post('/api/gates/identity/join')).json();
                  for (let i = 0; i < 300 && s.state !== 'admitted'; i++) {
                    await new Promise(ok => setTimeout(ok, 200));
                    s = await (await fetch('/api/gates/identity/status')).json();
                  }
                  const c = await (await post('/api/identity/challenges', r)).json();
                  const sms = await (await fetch('/api/dev/sms?phone=' + r.phone)).json();
                  const code = sms.text.match(/\\b(\\d{6})\\b/)[1];
                  return (await post('/api/identity/challenges/' + c.challengeId + '/verify', { code })).status;
                }""", resident.getMap());
        org.assertj.core.api.Assertions.assertThat(((Number) status).intValue()).isEqualTo(200);
    }

    private static String awaitText(ApiClient c, String phone) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (true) {
            String text = c.get("/api/dev/sms?phone=" + phone).json().getString("text");
            if (text.contains("back.html")) {
                return text;
            }
            org.assertj.core.api.Assertions.assertThat(System.nanoTime()).as("a text within a minute").isLessThan(deadline);
            Thread.sleep(200);
        }
    }
}
