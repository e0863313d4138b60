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
import dev.orderly.time.SeoulCalendar;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A standby citizen in headless Chromium, against a real Orderly: opens the standby page, is sent
 * to verify and comes back, joins the list for a clinic; the clinic releases a dose; the citizen
 * opens the link of the SMS in the demo inbox, sees the clinic, vaccine and time left, and claims
 * it: dose 1 today, dose 2 in the interval. No console errors, no untranslated keys. Screenshots
 * under target/screenshots (standby-*.png).
 *
 * <p>Skipped when /usr/bin/chromium is missing, except on CI (CI=true), where it fails instead.
 */
class StandbyClaimBrowserIT {

    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    private static final Path SCREENSHOTS = Paths.get("target", "screenshots");
    private static final Pattern LINK = Pattern.compile("/claim\\.html\\?offer=[A-Za-z0-9_-]{32}");

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
              return missing;
            }
            """;

    @Test
    void aStandbyCitizenOpensTheSmsLinkAndClaimsTheDose() throws Exception {
        requireChromium();
        Files.createDirectories(SCREENSHOTS);
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
        try {
            walk(problems);
        } finally {
            PlaywrightAssertions.setDefaultAssertionTimeout(5_000);
        }
        assertThat(problems).as("console errors, page errors and failed assets").isEmpty();
    }

    private static void walk(List<String> problems) {
        ShiftingClock clock = new ShiftingClock();
        // 10:00 in Seoul today: "today" and the hours chosen below hold whenever the test runs.
        clock.jumpTo(SeoulCalendar.startOf(SeoulCalendar.today(clock)).plus(Duration.ofHours(10)));
        try (OrderlyApp app = TestApp.start(Map.of("ORDERLY_OPERATOR_TOKEN", BookingHttpIT.TOKEN), clock);
             Playwright playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
             Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                     .setExecutablePath(CHROMIUM).setHeadless(true)
                     .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                             "--disable-component-update", "--disable-sync")));
             BrowserContext context = browser.newContext(new Browser.NewContextOptions()
                     .setViewportSize(390, 844).setIsMobile(true).setHasTouch(true).setLocale("ko-KR").setTimezoneId("Asia/Seoul"))) {
            String base = "http://127.0.0.1:" + app.port();
            ApiClient machine = new ApiClient(app.port()).withBearer(BookingHttpIT.TOKEN);
            JsonObject resident = machine.get("/api/dev/residents").array().getJsonObject(0);
            String province = machine.get("/api/regions").array().getJsonObject(0).getString("province");
            JsonObject clinic = machine.get("/api/clinics?province=" + CitizenWalkHttpIT.enc(province)).json().getJsonArray("clinics")
                    .getJsonObject(0);
            long clinicId = clinic.getLong("id");
            context.setDefaultTimeout(15_000);
            context.onPage(p -> watch(p, problems));
            Page page = context.newPage();

            // 1. The standby page sends an unverified visitor to verify, and takes them back after.
            page.navigate(base + "/standby.html");
            assertThat(page.locator("#need-verify")).isVisible();
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("본인인증하러 가기")).click();
            page.waitForURL(base + "/");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("대기열 입장")).click();
            page.waitForURL("**/verify.html", new Page.WaitForURLOptions().setTimeout(30_000));
            Page inbox = context.newPage();
            inbox.navigate(base + "/dev.html");
            inbox.locator(".resident").first().getByRole(AriaRole.BUTTON).click();
            assertThat(page.locator("#name")).hasValue(resident.getString("name"));
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("인증번호 받기")).click();
            Locator code = inbox.locator(".sms-code").first();
            assertThat(code).hasText(Pattern.compile("\\d{6}"));
            page.bringToFront();
            page.locator("#code").fill(code.textContent().trim());
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("확인").setExact(true)).click();
            page.waitForURL("**/standby.html", new Page.WaitForURLOptions().setTimeout(30_000));

            // 2. Joins for one clinic, all day, with consent.
            assertThat(page.locator("#form")).isVisible();
            page.locator("#clinics input[value='" + clinicId + "']").check();
            page.locator("#from").fill("00:00");
            page.locator("#to").fill("23:59");
            page.locator("#consent").check();
            allTranslated(page);
            shot(page, "standby-01-form");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("대기 명단에 등록")).click();
            assertThat(page.locator("#entry")).isVisible();
            assertThat(page.locator("#entry-areas")).containsText(clinic.getString("name"));
            assertThat(page.locator("#entry-hours")).hasText("00:00 – 23:59");
            allTranslated(page);
            shot(page, "standby-02-on-the-list");

            // 3. The clinic releases a dose; the offer's SMS carries the link.
            ApiClient.Answer released = machine.post("/api/operator/clinics/" + clinicId + "/leftovers",
                    new JsonObject().put("product", clinic.getJsonArray("products").getString(0)).put("doses", 1));
            assertThat(released.status()).as(released.body()).isEqualTo(201);
            String link = smsLink(machine, resident.getString("phone"));

            // 4. The link: clinic, vaccine, time left; then the claim.
            page.navigate(base + link);
            assertThat(page.locator("#offer")).isVisible();
            assertThat(page.locator("#offer-clinic")).hasText(clinic.getString("name"));
            assertThat(page.locator("#offer-left")).hasText(Pattern.compile("[0-9]{1,2}:[0-5][0-9]"));
            allTranslated(page);
            shot(page, "standby-03-offer");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Switch to English")).click();
            assertThat(page.locator("h1")).hasText("Claim a leftover dose");
            assertThat(page.locator("#claim")).containsText("Claim it");
            shot(page, "standby-04-offer-en");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("한국어로 보기")).click();
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("신청하기")).click();
            assertThat(page.locator("#done")).isVisible();
            assertThat(page.locator("#reference")).hasText(Pattern.compile("OR-[A-Z0-9]{8}"));
            allTranslated(page);
            shot(page, "standby-05-claimed");

            JsonObject mine = new JsonObject(page.request().get(base + "/api/reservations/mine").text());
            assertThat(mine.getString("reference")).isEqualTo(page.locator("#reference").textContent().trim());
            assertThat(mine.getString("dose1Day")).isEqualTo(SeoulCalendar.today(clock).toString());
            assertThat(LocalDate.parse(mine.getString("dose2Day"))).isAfter(SeoulCalendar.today(clock));
            JsonArray releases = machine.get("/api/operator/clinics/" + clinicId + "/leftovers").json().getJsonArray("releases");
            assertThat(releases.getJsonObject(0).getInteger("claimed")).isEqualTo(1);
            inbox.close();
        }
    }

    private static String smsLink(ApiClient machine, String phone) {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < until) {
            ApiClient.Answer sms = machine.get("/api/dev/sms?phone=" + phone);
            if (sms.status() == 200) {
                Matcher m = LINK.matcher(sms.json().getString("text"));
                if (m.find()) {
                    return m.group();
                }
            }
            java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
        }
        throw new AssertionError("no offer SMS arrived");
    }

    private static void requireChromium() {
        if (Files.isExecutable(CHROMIUM)) {
            return;
        }
        String why = "no Chromium at " + CHROMIUM + ": install the chromium package to run the browser test";
        if ("true".equals(System.getenv("CI"))) {
            fail(why + " (CI must have it)");
        }
        Assumptions.assumeTrue(false, why);
    }

    private static void watch(Page page, List<String> problems) {
        page.onConsoleMessage(m -> {
            // An API answering a problem (401 before verifying) is a page state the page shows, not an error of the page.
            if ("error".equals(m.type()) && !(m.text().startsWith("Failed to load resource") && m.location().contains("/api/"))) {
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

    private static void allTranslated(Page page) {
        Object missing = page.evaluate(UNTRANSLATED_KEYS);
        assertThat((List<?>) missing).as("keys without Korean and English text on " + page.url()).isEmpty();
    }

    private static void shot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")).setFullPage(true));
    }
}
