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
import com.microsoft.playwright.options.Media;
import dev.orderly.staff.Totp;
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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A clinic worker runs a day from a tablet in headless Chromium: two citizens book through the
 * HTTP API in the same test (one for the day before), the server's clock moves to the morning of
 * the later day, and the worker signs in with password and authenticator code, finds the first
 * citizen by name and birth date, checks them in, records the dose with its lot, then opens the
 * day before and marks the second citizen a no-show. Screenshots in target/screenshots; no page
 * may log an error, fail an asset or break the CSP.
 *
 * <p>Skipped when /usr/bin/chromium is missing, except on CI (CI=true), where it fails instead.
 */
class ClinicDayBrowserIT {

    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    private static final Path SCREENSHOTS = Paths.get("target", "screenshots");
    private static final String TOKEN = BookingHttpIT.TOKEN;
    private static final String PASSWORD = "a long clinic password";
    private static final String REPORT_CSP_VIOLATIONS = """
            document.addEventListener('securitypolicyviolation', e =>
              console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber));
            """;

    @Test
    void aClinicWorkerChecksInGivesTheDoseWithItsLotAndMarksANoShow() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            String why = "no Chromium at " + CHROMIUM + ": install the chromium package to run the clinic walk";
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

    private record Booked(JsonObject resident, JsonObject reservation) {
    }

    private static Booked book(OrderlyApp app, int residentOffset, int dayOffset) {
        ApiClient b = new ApiClient(app.port());
        b.waitForIdentityPass(Duration.ofSeconds(20));
        JsonObject resident = b.get("/api/dev/residents?count=1&offset=" + residentOffset).array().getJsonObject(0);
        assertThat(b.verifyAs(resident).status()).isEqualTo(200);
        b.waitForPass("booking", Duration.ofSeconds(20));
        JsonObject choice = BookingHttpIT.choice(b, dayOffset);
        choice.remove("province");
        ApiClient.Answer booked = b.post("/api/reservations", choice);
        assertThat(booked.status()).as(booked.body()).isEqualTo(201);
        return new Booked(resident, booked.json());
    }

    private static void walk(List<String> problems) throws Exception {
        ShiftingClock clock = new ShiftingClock();
        try (OrderlyApp app = TestApp.start(Map.of("ORDERLY_OPERATOR_TOKEN", TOKEN), clock);
             Playwright playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
             Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                     .setExecutablePath(CHROMIUM).setHeadless(true)
                     .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                             "--disable-component-update", "--disable-sync")));
             // A tablet at the clinic's door, held in landscape, Korean.
             BrowserContext tablet = browser.newContext(new Browser.NewContextOptions().setViewportSize(1180, 820).setHasTouch(true)
                     .setLocale("ko-KR").setTimezoneId("Asia/Seoul"))) {
            String base = "http://127.0.0.1:" + app.port();
            ApiClient machine = new ApiClient(app.port()).withBearer(TOKEN);

            // Two citizens book in this test: Lee for the first bookable day, Kim for the day after.
            Booked lee = book(app, 0, 0);
            Booked kim = book(app, 1, 1);
            long clinic = kim.reservation().getJsonObject("clinic").getLong("id");
            assertThat(lee.reservation().getJsonObject("clinic").getLong("id")).isEqualTo(clinic);
            LocalDate kimDay = LocalDate.parse(kim.reservation().getString("dose1Day"));
            LocalDate leeDay = LocalDate.parse(lee.reservation().getString("dose1Day"));
            assertThat(leeDay).isBefore(kimDay);
            JsonObject account = machine.post("/api/operator/staff", new JsonObject().put("login", "desk").put("name", "박간호")
                    .put("role", "clinic").put("clinics", new JsonArray().add(clinic)).put("password", PASSWORD)).json();
            String secret = account.getString("totpSecret");

            // The morning of Kim's day: Lee's day is over.
            clock.jumpTo(SeoulCalendar.startOf(kimDay).plus(Duration.ofHours(9)));
            assertThat(SeoulCalendar.today(clock)).isEqualTo(kimDay);

            tablet.setDefaultTimeout(30_000);
            tablet.addInitScript(REPORT_CSP_VIOLATIONS);
            tablet.onPage(p -> watch(p, problems));
            Page page = tablet.newPage();

            // 0. The demo page shows the demo staff accounts with their current codes.
            page.navigate(base + "/dev.html");
            assertThat(page.locator("#staff-card")).isVisible();
            assertThat(page.locator("#staff")).containsText("demo-clinic");
            assertThat(page.locator("#staff .staff-code").first()).hasText(java.util.regex.Pattern.compile("^[0-9]{6}$"));
            shot(page, "clinic-dev-staff");

            // 1. Sign in with password and the authenticator's code (on the server's clock).
            page.navigate(base + "/clinic.html");
            assertThat(page.locator("#sign-in")).isVisible();
            shot(page, "clinic-00-sign-in");
            page.locator("#login").fill("desk");
            page.locator("#password").fill(PASSWORD);
            page.locator("#code").fill(Totp.code(secret, clock.instant()));
            page.locator("#sign-in-form button[type=submit]").click();
            assertThat(page.locator("#who")).containsText("박간호");

            // 2. Today's list shows Kim's booking, name masked, with birth date.
            assertThat(page.locator("#date")).hasValue(kimDay.toString());
            Locator kimRow = page.locator("#day-table tr[data-reference='" + kim.reservation().getString("reference") + "']");
            assertThat(kimRow).isVisible();
            assertThat(kimRow).containsText(kim.resident().getString("birthDate"));
            assertThat(kimRow).not().containsText(kim.resident().getString("name"));
            assertThat(kimRow.locator(".status")).hasText("예약");
            shot(page, "clinic-01-day-list");

            // 3. Kim arrives: found by name and birth date, checked in.
            page.locator("#name").fill(kim.resident().getString("name"));
            page.locator("#birth").fill(kim.resident().getString("birthDate"));
            page.locator("#search button[type=submit]").click();
            assertThat(page.locator("#day-table tbody tr")).hasCount(1);
            page.locator("#check-in-found").click();
            assertThat(page.locator("#done")).containsText(kim.reservation().getString("reference"));
            assertThat(kimRow.locator(".status")).hasText("접수");
            shot(page, "clinic-02-checked-in");

            // 4. The dose, with the vial's lot.
            kimRow.locator("button", new Locator.LocatorOptions().setHasText("접종")).click();
            assertThat(page.locator("#dose-dialog")).isVisible();
            page.locator("#dose-lot").fill("FK1234");
            shot(page, "clinic-03-dose-dialog");
            page.locator("#dose-ok").click();
            assertThat(kimRow.locator(".status")).hasText("접종 완료");
            assertThat(kimRow).containsText("FK1234");
            shot(page, "clinic-04-dose-given");

            // 5. Yesterday's list: Lee never came.
            page.locator("#date").fill(leeDay.toString());
            page.locator("#pick button[type=submit]").click();
            Locator leeRow = page.locator("#day-table tr[data-reference='" + lee.reservation().getString("reference") + "']");
            assertThat(leeRow).isVisible();
            leeRow.locator("button", new Locator.LocatorOptions().setHasText("미방문")).click();
            page.locator("#confirm-ok").click();
            assertThat(leeRow.locator(".status")).hasText("미방문");
            shot(page, "clinic-05-no-show");

            // 6. The printed list, and the page in English.
            page.emulateMedia(new Page.EmulateMediaOptions().setMedia(Media.PRINT));
            shot(page, "clinic-06-print");
            page.emulateMedia(new Page.EmulateMediaOptions().setMedia(Media.SCREEN));
            page.locator("[data-lang-toggle]").click();
            assertThat(leeRow.locator(".status")).hasText("No-show");
            shot(page, "clinic-07-english");

            JsonObject audit = machine.get("/api/operator/audit?actor=desk").json();
            assertThat(audit.encode()).contains("clinic.check-in").contains("clinic.dose-given").contains("clinic.no-show");
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
}
