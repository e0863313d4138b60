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
import com.microsoft.playwright.options.Cookie;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A leftover dose from the clinic's tablet to a standby citizen's arm, in headless Chromium against
 * a real Orderly: a citizen verified in this test joins the standby list for the clinic's district;
 * a clinic worker signs in on a tablet, releases ONE dose from the leftover panel (confirmed in a
 * dialog); the citizen's SMS in the demo inbox carries the claim link, which the citizen opens in
 * their own browser and claims. Then the reservation is dose 1 today at that clinic and dose 2
 * later, the panel (refreshing on its own) shows the dose claimed, and the day list shows the new
 * appointment. No console errors, no untranslated keys. Screenshots: target/screenshots/clinic-leftover-*.png.
 *
 * <p>Skipped when /usr/bin/chromium is missing, except on CI (CI=true), where it fails instead.
 */
class ClinicLeftoverBrowserIT {

    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    private static final Path SCREENSHOTS = Paths.get("target", "screenshots");
    private static final String TOKEN = BookingHttpIT.TOKEN;
    private static final String PASSWORD = "a long clinic password";
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
    void aClinicReleasesALeftoverDoseFromItsPanelAndAStandbyCitizenClaimsIt() throws Exception {
        requireChromium();
        Files.createDirectories(SCREENSHOTS);
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        PlaywrightAssertions.setDefaultAssertionTimeout(30_000);
        try {
            walk(problems);
        } finally {
            PlaywrightAssertions.setDefaultAssertionTimeout(5_000);
        }
        assertThat(problems).as("console errors, page errors and failed assets").isEmpty();
    }

    private static void walk(List<String> problems) {
        ShiftingClock clock = new ShiftingClock();
        // 10:00 in Seoul today: the clinic's day is under way and the standby hours below include now.
        clock.jumpTo(SeoulCalendar.startOf(SeoulCalendar.today(clock)).plus(Duration.ofHours(10)));
        LocalDate today = SeoulCalendar.today(clock);
        try (OrderlyApp app = TestApp.start(Map.of("ORDERLY_OPERATOR_TOKEN", TOKEN), clock);
             Playwright playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
             Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                     .setExecutablePath(CHROMIUM).setHeadless(true)
                     .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                             "--disable-component-update", "--disable-sync")));
             // The clinic's tablet, landscape, Korean.
             BrowserContext tablet = browser.newContext(new Browser.NewContextOptions().setViewportSize(1180, 820).setHasTouch(true)
                     .setLocale("ko-KR").setTimezoneId("Asia/Seoul"));
             // The citizen's phone.
             BrowserContext phone = browser.newContext(new Browser.NewContextOptions().setViewportSize(390, 844).setIsMobile(true)
                     .setHasTouch(true).setLocale("ko-KR").setTimezoneId("Asia/Seoul"))) {
            String base = "http://127.0.0.1:" + app.port();
            ApiClient machine = new ApiClient(app.port()).withBearer(TOKEN);
            JsonObject resident = machine.get("/api/dev/residents").array().getJsonObject(0);
            String province = machine.get("/api/regions").array().getJsonObject(0).getString("province");
            long clinicId = machine.get("/api/clinics?province=" + CitizenWalkHttpIT.enc(province)).json().getJsonArray("clinics")
                    .getJsonObject(0).getLong("id");
            JsonObject clinic = machine.get("/api/operator/clinics/" + clinicId).json();
            JsonObject product = clinic.getJsonArray("products").getJsonObject(0);

            // 1. The citizen verifies (as on the identity pages, tested elsewhere) and joins the standby
            //    list for the clinic's district, any hour, with consent to be texted.
            ApiClient citizen = new ApiClient(app.port());
            citizen.waitForIdentityPass(Duration.ofSeconds(20));
            assertThat(citizen.verifyAs(resident).status()).isEqualTo(200);
            ApiClient.Answer joined = citizen.post("/api/standby", new JsonObject()
                    .put("districts", new JsonArray().add(new JsonObject().put("province", clinic.getString("province"))
                            .put("district", clinic.getString("district"))))
                    .put("from", "00:00").put("to", "23:59").put("consent", true));
            assertThat(joined.status()).as(joined.body()).isEqualTo(201);
            String session = citizen.cookies().getCookieStore().getCookies().stream().filter(c -> c.getName().equals("orderly_session"))
                    .findFirst().orElseThrow().getValue();
            phone.addCookies(List.of(new Cookie("orderly_session", session).setUrl(base)));

            JsonObject account = machine.post("/api/operator/staff", new JsonObject().put("login", "leftover-desk").put("name", "최간호")
                    .put("role", "clinic").put("clinics", new JsonArray().add(clinicId)).put("password", PASSWORD)).json();
            String secret = account.getString("totpSecret");

            // 2. The clinic worker signs in on the tablet; today's list comes with the leftover panel.
            tablet.setDefaultTimeout(30_000);
            tablet.onPage(p -> watch(p, problems));
            Page desk = tablet.newPage();
            desk.navigate(base + "/clinic.html");
            desk.locator("#login").fill("leftover-desk");
            desk.locator("#password").fill(PASSWORD);
            desk.locator("#code").fill(Totp.code(secret, clock.instant()));
            desk.locator("#sign-in-form button[type=submit]").click();
            assertThat(desk.locator("#who")).containsText("최간호");
            assertThat(desk.locator("#date")).hasValue(today.toString());
            Locator panel = desk.locator("#leftover-doses");
            assertThat(panel).isVisible();
            assertThat(panel.locator("#leftover-table tbody")).containsText("오늘 내놓은 백신이 없습니다");
            assertThat(panel.locator("#leftover-window")).containsText("10분");
            allTranslated(desk);
            shot(desk, "clinic-leftover-01-panel");

            // 3. One dose of the clinic's first vaccine, in join order; the dialog says what happens.
            panel.locator("#leftover-product").selectOption(product.getString("code"));
            panel.locator("#leftover-doses-n").fill("1");
            assertThat(panel.locator("input[name=leftover-order][value=joined]")).isChecked();
            assertThat(panel).containsText("대기 명단에 먼저 등록한 사람부터 안내합니다");
            panel.locator("#leftover-release").click();
            assertThat(desk.locator("#confirm")).isVisible();
            assertThat(desk.locator("#confirm-body")).containsText(product.getString("name") + " 1회분");
            assertThat(desk.locator("#confirm-body")).containsText("등록한 순서대로");
            allTranslated(desk);
            shot(desk, "clinic-leftover-02-confirm");
            desk.locator("#confirm-ok").click();
            assertThat(desk.locator("#done")).containsText("1명에게 문자로 안내했습니다");
            Locator release = panel.locator("#leftover-table tbody tr").first();
            assertThat(panel.locator("#leftover-table tbody tr")).hasCount(1);
            assertThat(release.locator("td.open")).hasText("1");
            assertThat(release.locator("td.claimed")).hasText("0");
            assertThat(release).containsText("등록한 순서");
            shot(desk, "clinic-leftover-03-released");

            // 4. The citizen's SMS carries the link; they open it on their phone and claim.
            String link = smsLink(machine, resident.getString("phone"));
            phone.setDefaultTimeout(30_000);
            phone.onPage(p -> watch(p, problems));
            Page page = phone.newPage();
            page.navigate(base + link);
            assertThat(page.locator("#offer")).isVisible();
            assertThat(page.locator("#offer-clinic")).hasText(clinic.getString("name"));
            shot(page, "clinic-leftover-04-offer");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("신청하기")).click();
            assertThat(page.locator("#done")).isVisible();
            assertThat(page.locator("#reference")).hasText(Pattern.compile("OR-[A-Z0-9]{8}"));
            String reference = page.locator("#reference").textContent().trim();
            shot(page, "clinic-leftover-05-claimed");

            // 5. The reservation: dose 1 today at this clinic, dose 2 planned later.
            JsonObject mine = new JsonObject(page.request().get(base + "/api/reservations/mine").text());
            assertThat(mine.getString("reference")).isEqualTo(reference);
            assertThat(mine.getJsonObject("clinic").getLong("id")).isEqualTo(clinicId);
            assertThat(mine.getString("dose1Day")).isEqualTo(today.toString());
            assertThat(LocalDate.parse(mine.getString("dose2Day"))).isAfter(today);

            // 6. The tablet, untouched, catches up on its own: the dose is claimed, and the new
            //    appointment is on today's list.
            desk.bringToFront();
            assertThat(release.locator("td.claimed")).hasText("1");
            assertThat(release.locator("td.open")).hasText("0");
            Locator row = desk.locator("#day-table tr[data-reference='" + reference + "'][data-dose='1']");
            assertThat(row).isVisible();
            assertThat(row).containsText(resident.getString("birthDate"));
            assertThat(row.locator(".status")).hasText("예약");
            shot(desk, "clinic-leftover-06-claimed-on-the-desk");

            desk.locator("[data-lang-toggle]").click();
            assertThat(panel.locator("h2")).hasText("Leftover doses");
            assertThat(panel.locator("#leftover-table thead")).containsText("Claimed");
            allTranslated(desk);
            shot(desk, "clinic-leftover-07-english");

            JsonObject audit = machine.get("/api/operator/audit?actor=leftover-desk").json();
            assertThat(audit.encode()).contains("leftovers.release");
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
            // An API answering a problem (401 before signing in) is a page state the page shows, not an error of the page.
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
