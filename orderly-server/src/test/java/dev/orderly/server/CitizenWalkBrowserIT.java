package dev.orderly.server;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.SelectOption;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * One citizen's whole walk through the web pages in headless Chromium, on a phone-sized screen,
 * against a real Orderly: landing → waiting room (with people ahead) → identity verification with
 * the code read from the demo SMS inbox in a second tab → booking → confirmation → my reservation
 * → cancel. Every page must load without console errors, failed assets or CSP violations, and
 * carry every string in both languages. Screenshots land in target/screenshots.
 *
 * <p>Skipped when /usr/bin/chromium is missing, except on CI (CI=true), where it fails instead.
 */
class CitizenWalkBrowserIT {

    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    private static final Path SCREENSHOTS = Paths.get("target", "screenshots");
    private static final Pattern REFERENCE = Pattern.compile("OR-[A-Z0-9]{8}");
    /** People who join the line just before our citizen; with the gate at 2/s they take about 3 s. */
    private static final int PEOPLE_AHEAD = 6;

    /** A script run before any page script: reports CSP violations as console errors. */
    private static final String REPORT_CSP_VIOLATIONS = """
            document.addEventListener('securitypolicyviolation', e =>
              console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber));
            """;

    /** Every data-i18n key on the page has text in Korean and English (or a fallback of its own). */
    private static final String UNTRANSLATED_KEYS = """
            () => {
              const M = window.OrderlyMessages, missing = [];
              for (const el of document.querySelectorAll('*')) {
                for (const a of el.getAttributeNames().filter(n => n === 'data-i18n' || (n.startsWith('data-i18n-') && n !== 'data-i18n-args' && n !== 'data-i18n-fallback'))) {
                  const key = el.getAttribute(a);
                  if (!(key in M.ko && key in M.en) && !(a === 'data-i18n' && el.dataset.i18nFallback)) missing.push(key);
                }
              }
              const ko = Object.keys(M.ko), en = Object.keys(M.en);
              return missing.concat(ko.filter(k => !(k in M.en)), en.filter(k => !(k in M.ko)));
            }
            """;

    @Test
    void aCitizenWaitsVerifiesBooksAndCancelsInTheBrowser() throws Exception {
        requireChromium();
        Files.createDirectories(SCREENSHOTS);
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        // Generous for a loaded CI machine; a passing walk never waits this long. The setting is
        // global to the JVM, so it is put back afterwards.
        PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
        try {
            walk(problems);
        } finally {
            PlaywrightAssertions.setDefaultAssertionTimeout(5_000);
        }
        assertThat(problems).as("console errors, page errors, CSP violations and failed assets").isEmpty();
    }

    private static void walk(List<String> problems) throws Exception {
        try (OrderlyApp app = TestApp.start(Map.of("ORDERLY_GATE_IDENTITY_RATE", "2"), Clock.systemUTC());
             Playwright playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
             Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                     .setExecutablePath(CHROMIUM).setHeadless(true)
                     .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                             "--disable-component-update", "--disable-sync")));
             // A phone, set to a zone far from Seoul: the pages must still show Seoul days and times.
             BrowserContext context = browser.newContext(new Browser.NewContextOptions()
                     .setViewportSize(390, 844).setIsMobile(true).setHasTouch(true)
                     .setLocale("ko-KR").setTimezoneId("America/Los_Angeles"))) {
            String base = "http://127.0.0.1:" + app.port();
            context.setDefaultTimeout(15_000);
            context.addInitScript(REPORT_CSP_VIOLATIONS);
            context.onPage(p -> watch(p, problems));

            Page page = context.newPage();

            // 1. Landing: static, Korean first, English on request.
            page.navigate(base + "/");
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setLevel(1)))
                    .hasText("코로나19 예방접종 사전예약");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Switch to English")).click();
            assertThat(page.locator("html")).hasAttribute("lang", "en");
            assertThat(page.locator("h1")).hasText("COVID-19 vaccination pre-reservation");
            assertThat(page.locator("#join")).hasText("Join the line");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("한국어로 보기")).click();
            assertThat(page.locator("html")).hasAttribute("lang", "ko");
            allTranslated(page);
            shot(page, "01-landing");

            // 2. Waiting room: others got in line first, so there are people ahead.
            joinAnonymously(base, PEOPLE_AHEAD);
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("대기열 입장")).click();
            page.waitForURL("**/wait.html");
            assertThat(page.locator("#ahead")).containsText("명");
            assertThat(page.locator("#eta")).containsText("예상 대기 시간");
            assertThat(page.getByText("새로고침하지 마세요")).isVisible();
            allTranslated(page);
            shot(page, "02-waiting-room");
            page.waitForURL("**/verify.html", new Page.WaitForURLOptions().setTimeout(30_000));

            // 3. Identity: a sample resident handed over from the demo page in a second tab.
            assertThat(page.locator("h1")).hasText("본인인증");
            assertThat(page.locator("#demo-hint")).isVisible();
            Page inbox = context.newPage();
            inbox.navigate(base + "/dev.html");
            Locator resident = inbox.locator(".resident").first();
            String name = resident.locator(".resident-name").textContent().trim();
            resident.getByRole(AriaRole.BUTTON).click();
            assertThat(inbox.locator("#used")).isVisible();
            assertThat(page.locator("#name")).hasValue(name);
            assertThat(page.locator("#birth")).hasValue(Pattern.compile("\\d{4}-\\d{2}-\\d{2}"));
            assertThat(page.locator("#phone")).hasValue(Pattern.compile("010-\\d{4}-\\d{4}"));
            allTranslated(page);
            shot(page, "03-verify");

            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("인증번호 받기")).click();
            assertThat(page.locator("#step-code")).isVisible();
            assertThat(page.locator("#sent-to")).containsText("010-****-");
            Locator code = inbox.locator(".sms-code").first();
            assertThat(code).hasText(Pattern.compile("\\d{6}"));
            allTranslated(inbox);
            shot(inbox, "04-dev-inbox");

            page.bringToFront();
            page.locator("#code").fill(code.textContent().trim());
            shot(page, "05-verify-code");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("확인").setExact(true)).click();
            // Booking has its own line, one place per verified person.
            page.waitForURL("**/wait.html?gate=booking", new Page.WaitForURLOptions().setTimeout(30_000));
            page.waitForURL("**/book.html", new Page.WaitForURLOptions().setTimeout(30_000));

            // 4. Booking: the first district with places, the first day and vaccine with places.
            assertThat(page.locator("#person-name")).containsText(name);
            assertThat(page.locator("#eligibility .alert.success")).isVisible();
            Locator slot = firstOpenSlot(page);
            slot.click();
            assertThat(slot).hasAttribute("aria-pressed", "true");
            assertThat(page.locator("#selection")).isVisible();
            assertThat(page.locator("#dose2")).containsText("2차 접종");
            allTranslated(page);
            shot(page, "06-book");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("이 일정으로 예약하기")).click();
            page.waitForURL("**/done.html");

            // 5. Confirmation.
            assertThat(page.locator("#reference")).hasText(REFERENCE);
            String reference = page.locator("#reference").textContent().trim();
            // The days as the server booked them, written as Seoul days although the phone is in California.
            JsonObject mine = new JsonObject(page.request().get(base + "/api/reservations/mine").text());
            assertThat(mine.getString("reference")).isEqualTo(reference);
            assertThat(page.locator("#dose1")).hasText(koreanDay(mine.getString("dose1Day")));
            assertThat(page.locator("#dose2")).hasText(koreanDay(mine.getString("dose2Day")));
            allTranslated(page);
            shot(page, "07-done");

            // 6. My reservation, then cancel it.
            page.locator("#confirmation").getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("내 예약 확인·취소")).click();
            page.waitForURL("**/my.html");
            assertThat(page.locator("#reference")).hasText(reference);
            assertThat(page.locator("#status")).hasText("예약됨");
            allTranslated(page);
            shot(page, "08-my");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("예약 취소")).click();
            assertThat(page.getByRole(AriaRole.ALERTDIALOG)).isVisible();
            shot(page, "09-my-confirm");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("예, 취소합니다")).click();
            assertThat(page.locator("#status")).hasText("취소됨");
            assertThat(page.locator("#cancelled-note")).containsText(reference);
            allTranslated(page);
            shot(page, "10-my-cancelled");

            // The server agrees: nothing left to show.
            assertThat(page.request().get(base + "/api/reservations/mine").status()).isEqualTo(404);
            inbox.close();
        }
    }

    private static void requireChromium() {
        if (Files.isExecutable(CHROMIUM)) {
            return;
        }
        String why = "no Chromium at " + CHROMIUM + ": install the chromium package to run the browser walk";
        if ("true".equals(System.getenv("CI"))) {
            fail(why + " (CI must have it)");
        }
        Assumptions.assumeTrue(false, why);
    }

    private static void watch(Page page, List<String> problems) {
        page.onConsoleMessage(m -> {
            if ("error".equals(m.type())) {
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

    /** Joins the identity gate as {@code count} other browsers (no cookies, so each gets its own place). */
    private static void joinAnonymously(String base, int count) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            for (int i = 0; i < count; i++) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/gates/identity/join"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(201);
            }
        }
    }

    /** Chooses provinces and districts in order until a clinic shows a day with places left. */
    private static Locator firstOpenSlot(Page page) {
        Locator province = page.locator("#province");
        Locator district = page.locator("#district");
        Locator open = page.locator("details.clinic[open] button.slot:enabled").first();
        assertThat(province.locator("option").nth(1)).isAttached();
        int provinces = province.locator("option").count();
        for (int p = 1; p < provinces; p++) {
            province.selectOption(new SelectOption().setIndex(p));
            assertThat(district).isEnabled();
            int districts = district.locator("option").count();
            for (int d = 1; d < districts; d++) {
                district.selectOption(new SelectOption().setIndex(d));
                assertThat(page.locator("#results-title")).isVisible();
                if (open.count() > 0) {
                    return open;
                }
            }
        }
        throw new AssertionError("no district has a day with places left");
    }

    /** "2021-07-26" as the pages write it in Korean: "2021년 7월 26일 (월)". */
    private static String koreanDay(String isoDay) {
        LocalDate d = LocalDate.parse(isoDay);
        char weekday = "월화수목금토일".charAt(d.getDayOfWeek().getValue() - 1);
        return d.getYear() + "년 " + d.getMonthValue() + "월 " + d.getDayOfMonth() + "일 (" + weekday + ")";
    }

    private static void allTranslated(Page page) {
        Object missing = page.evaluate(UNTRANSLATED_KEYS);
        assertThat((List<?>) missing).as("keys without Korean and English text on " + page.url()).isEmpty();
    }

    private static void shot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")).setFullPage(true));
    }
}
