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
import com.microsoft.playwright.Response;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.SelectOption;
import dev.orderly.server.demo.DemoData;
import dev.orderly.time.SeoulCalendar;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every citizen page, in every state a person meets, checked with axe-core against WCAG 2.1 AA
 * (and axe's best practices, which hold the {@code region} rule): in Korean on a desktop and in
 * English on a 390×844 phone. Any violation fails the test. On the way it checks the findings of
 * issue 16 the pages answer: the rotation explained, the schedule and its birth-date check, ages
 * of today, English names, the locked code, the paused line (its message, no estimate, polled at
 * the announced restart), Back after booking, the change page with the clinic's address and
 * telephone, a replaced session with its time, the text-size control, 200 % zoom, the keyboard,
 * a language choice that sticks. The other citizen pages (standby, claim, family, lottery check,
 * return link) are checked as a verified person meets them, and the staff pages ({@link #STAFF_PAGES})
 * on their sign-in form and signed in as the demo staff, every console section.
 *
 * <p>axe-core is pinned in {@code src/test/resources/axe} and injected by Playwright into the pages
 * it checks (an init script, outside the pages' Content-Security-Policy); the application never
 * serves it.
 *
 * <p><b>Adding a page:</b> put its path in {@link #CITIZEN_PAGES}. Every page listed is checked at
 * least once as it first opens (a page the walk below did not reach is opened on its own at the
 * end); a page with states of its own (a form, a refusal) gets them checked by a step in the walk
 * calling {@link Walk#axe(String)}.
 *
 * <p>Skipped when /usr/bin/chromium is missing, except on CI (CI=true), where it fails instead.
 */
class AccessibilityBrowserIT {

    /** Every page a citizen may open, in one place: add new ones here. */
    static final List<String> CITIZEN_PAGES = List.of("/", "/schedule.html", "/wait.html", "/verify.html", "/book.html",
            "/done.html", "/my.html", "/change.html", "/no-such-page", "/standby.html", "/claim.html", "/family.html",
            "/back.html", "/lottery.html");

    /** Staff pages, checked signed out (the sign-in form) and signed in as the demo staff, every console section. */
    static final List<String> STAFF_PAGES = List.of("/console.html", "/clinic.html", "/agent.html", "/dev.html");

    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    private static final Path DOCS = Paths.get("..", "docs");
    private static final String AXE_SHA256 = "880970c081707360e64f34cea25ff91892f5bc95675b0776925b9709dd8a68bb";
    private static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");

    private static final String AXE_RUN = """
            async () => {
              const r = await axe.run(document, { runOnly: { type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
              return JSON.stringify(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at '
                + v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(' | ')));
            }
            """;

    /** Verifies in the page's own context (same cookies and storage as the pages): line, code by SMS from the dev inbox. */
    private static final String VERIFY_IN_PAGE = """
            async ([name, birthDate, phone]) => {
              const json = { Accept: 'application/json', 'Content-Type': 'application/json' };
              let s = await (await fetch('/api/gates/identity/join', { method: 'POST', headers: json })).json();
              const ticket = s.ticket;
              const until = Date.now() + 90000;
              while (s.state !== 'admitted') {
                if (Date.now() > until) {
                  return 'not admitted within 90 s: ' + JSON.stringify(s);
                }
                await new Promise(r => setTimeout(r, Math.min(500, s.pollAfterMs || 200)));
                s = await (await fetch('/api/gates/identity/status', { headers: { 'Orderly-Ticket': ticket } })).json();
              }
              const c = await (await fetch('/api/identity/challenges', { method: 'POST', headers: json,
                body: JSON.stringify({ name, birthDate, phone }) })).json();
              const sms = await (await fetch('/api/dev/sms?phone=' + encodeURIComponent(phone))).json();
              const code = /\\b(\\d{6})\\b/.exec(sms.text)[1];
              const v = await fetch('/api/identity/challenges/' + c.challengeId + '/verify', { method: 'POST', headers: json,
                body: JSON.stringify({ code }) });
              return v.status;
            }
            """;

    @Test
    void everyCitizenPageStatePassesAxeInKoreanOnADesktopAndInEnglishOnAPhone() throws Exception {
        requireChromium();
        String axe = axeSource();
        Settings settings = TestApp.settings(Map.of("ORDERLY_GATE_IDENTITY_RATE", "2"));
        List<DemoData.Resident> residents = TestResidents.of(settings);
        LocalDate today = SeoulCalendar.today(Clock.systemUTC());
        List<DemoData.Resident> fifties = residents.stream()
                .filter(r -> r.birthDate().getYear() >= 1962 && r.birthDate().getYear() <= 1966).toList();
        // The 18–49 rotation (last digit of the birth date books on days ending in it): born on another digit than today's.
        List<DemoData.Resident> wrongDay = residents.stream()
                .filter(r -> r.birthDate().getYear() >= 1972 && r.birthDate().getYear() <= 2003)
                .filter(r -> r.birthDate().getDayOfMonth() % 10 != today.getDayOfMonth() % 10
                        && r.birthDate().getDayOfMonth() % 10 != today.plusDays(1).getDayOfMonth() % 10)
                .toList();
        List<String> violations = Collections.synchronizedList(new ArrayList<>());
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        Set<String> checked = Collections.synchronizedSet(new LinkedHashSet<>());
        PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
        try (OrderlyApp app = OrderlyApp.start(settings, Clock.systemUTC());
             Playwright playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
             Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                     .setExecutablePath(CHROMIUM).setHeadless(true)
                     .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                             "--disable-component-update", "--disable-sync")))) {
            String base = "http://127.0.0.1:" + app.port();
            ApiClient operator = new ApiClient(app.port()).withBearer(app.operatorToken());
            Files.createDirectories(DOCS);
            Lang[] langs = {Lang.KO_DESKTOP, Lang.EN_PHONE};
            for (int i = 0; i < langs.length; i++) {
                Walk walk = new Walk(browser, langs[i], base, axe, violations, problems, checked);
                walk.citizen(fifties.get(i), wrongDay.get(i), operator);
            }
            Map<String, String> usedCodes = new java.util.concurrent.ConcurrentHashMap<>();
            for (Lang lang : langs) {
                Walk staff = new Walk(browser, lang, base, axe, violations, problems, checked);
                staff.staffPages(usedCodes);
                staff.close();
            }
            // Pages the walk did not reach, as they first open.
            Walk rest = new Walk(browser, Lang.EN_PHONE, base, axe, violations, problems, checked);
            for (String path : CITIZEN_PAGES) {
                if (!checked.contains(path)) {
                    rest.page.navigate(base + path);
                    rest.page.waitForLoadState();
                    rest.axe("as opened");
                }
            }
            // The language choice sticks: an English browser switched to Korean stays Korean on the next page.
            rest.page.navigate(base + "/");
            assertThat(rest.page.locator("html")).hasAttribute("lang", "en");
            rest.page.locator("[data-lang-toggle]").first().click();
            assertThat(rest.page.locator("html")).hasAttribute("lang", "ko");
            rest.page.navigate(base + "/schedule.html");
            assertThat(rest.page.locator("html")).hasAttribute("lang", "ko");
            assertThat(rest.page.locator("h1")).hasText(Pattern.compile("[가-힣]"));
            rest.axe("switched to Korean on an English phone");
            rest.close();
        } finally {
            PlaywrightAssertions.setDefaultAssertionTimeout(5_000);
        }
        assertThat(checked).as("pages checked").containsAll(CITIZEN_PAGES).containsAll(STAFF_PAGES);
        assertThat(violations).as("axe violations (WCAG 2.1 AA and best practices)").isEmpty();
        assertThat(problems).as("console errors, page errors, failed assets").isEmpty();
    }

    enum Lang {
        KO_DESKTOP("ko-KR", 1280, 900, false), EN_PHONE("en-US", 390, 844, true);

        final String locale;
        final int width;
        final int height;
        final boolean phone;

        Lang(String locale, int width, int height, boolean phone) {
            this.locale = locale;
            this.width = width;
            this.height = height;
            this.phone = phone;
        }

        boolean ko() {
            return this == KO_DESKTOP;
        }

        String t(String ko, String en) {
            return ko() ? ko : en;
        }
    }

    /** One person's walk in one browser context (language, screen). */
    static final class Walk {
        final Browser browser;
        final Lang lang;
        final String base;
        final String axe;
        final List<String> violations;
        final List<String> problems;
        final Set<String> checked;
        final BrowserContext context;
        final Page page;

        Walk(Browser browser, Lang lang, String base, String axe, List<String> violations, List<String> problems, Set<String> checked) {
            this.browser = browser;
            this.lang = lang;
            this.base = base;
            this.axe = axe;
            this.violations = violations;
            this.problems = problems;
            this.checked = checked;
            this.context = newContext();
            this.page = context.newPage();
        }

        BrowserContext newContext() {
            BrowserContext c = browser.newContext(new Browser.NewContextOptions()
                    .setViewportSize(lang.width, lang.height).setIsMobile(lang.phone).setHasTouch(lang.phone)
                    .setLocale(lang.locale).setTimezoneId("America/Los_Angeles"));
            c.setDefaultTimeout(20_000);
            c.addInitScript(axe);
            c.onPage(p -> {
                p.onConsoleMessage(m -> {
                    if ("error".equals(m.type()) && !m.text().contains("Failed to load resource")) {
                        problems.add(lang + " " + p.url() + ": console error: " + m.text());
                    }
                });
                p.onPageError(e -> problems.add(lang + " " + p.url() + ": page error: " + e));
                p.onResponse(r -> {
                    if (r.status() >= 400 && !r.url().contains("/api/") && !r.url().contains("no-such-page")) {
                        problems.add(lang + " " + p.url() + ": " + r.status() + " for " + r.url());
                    }
                });
            });
            return c;
        }

        void close() {
            context.close();
        }

        /** Runs axe on the page as it is now; every violation is kept, named by language, page and state. */
        void axe(String state) {
            axe(page, state);
        }

        void axe(Page p, String state) {
            String path = URI.create(p.url()).getPath();
            checked.add(path.equals("/index.html") ? "/" : path);
            String found = (String) p.evaluate(AXE_RUN);
            for (Object v : new io.vertx.core.json.JsonArray(found)) {
                violations.add(lang + " " + path + " [" + state + "]: " + v);
                System.out.println("axe violation: " + lang + " " + path + " [" + state + "]: " + v);
            }
        }

        void citizen(DemoData.Resident resident, DemoData.Resident refused, ApiClient operator) throws Exception {
            JsonObject claim = TestResidents.claimOf(resident);

            // Landing: in the browser's language on a first visit; who can book now and next, ages of today.
            page.navigate(base + "/");
            assertThat(page.locator("html")).hasAttribute("lang", lang.ko() ? "ko" : "en");
            Locator who = page.locator("#who .cohort-list").first();
            assertThat(who).containsText("1962");
            int age = LocalDate.now(SeoulCalendar.ZONE).getYear() - 1966 - 1;
            assertThat(page.locator("#who")).not().containsText("55–59");
            assertThat(page.locator("#who")).containsText(Pattern.compile("\\b(" + age + "|" + (age + 1) + ")\\b"));
            axe("landing");

            // The schedule page, and a birth date checked with no identity and no line.
            page.navigate(base + "/schedule.html");
            assertThat(page.locator("#schedule .cohort-list").first()).isVisible();
            axe("schedule");
            page.locator("#birth").fill(refused.birthDate().toString().replace("-", ""));
            page.locator("#check").click();
            assertThat(page.locator("#result .rotation-table")).isVisible();
            assertThat(page.locator("#result")).containsText(lang.t("10부제", "rotation"));
            assertThat(page.locator("#result")).containsText(String.valueOf(refused.birthDate().getDayOfMonth() % 10));
            axe("birth date checked: wrong rotation day");
            if (lang.ko()) {
                page.screenshot(new Page.ScreenshotOptions().setPath(DOCS.resolve("schedule.png")).setFullPage(true));
            }

            // The 404 page: styled, both languages, a link home.
            Response missing = page.navigate(base + "/no-such-page");
            assertThat(missing.status()).isEqualTo(404);
            assertThat(page.locator("h1")).hasText("페이지를 찾을 수 없습니다");
            assertThat(page.locator("[lang=en] h2")).hasText("Page not found");
            assertThat(page.locator("a[href='/']").first()).isVisible();
            axe("404");

            // The waiting room with people ahead.
            // Enough people ahead (at 2 a second) for the check to finish before the turn comes.
            joinAnonymously(base, 40);
            page.navigate(base + "/");
            page.locator("#join").click();
            page.waitForURL("**/wait.html");
            assertThat(page.locator("#queue-waiting")).isVisible();
            axe("waiting");
            page.waitForURL("**/verify.html", new Page.WaitForURLOptions().setTimeout(90_000));

            // Verify: the form, the code, and a code locked after too many wrong tries.
            assertThat(page.locator("#identity-form")).isVisible();
            axe("form");
            page.locator("#name").fill(claim.getString("name"));
            page.locator("#birth").fill(claim.getString("birthDate"));
            page.locator("#phone").fill(claim.getString("phone"));
            page.locator("#send").click();
            assertThat(page.locator("#step-code")).isVisible();
            axe("code");
            String code = smsCode(claim.getString("phone"));
            String wrong = code.equals("000000") ? "111111" : "000000";
            for (int i = 0; i < 6 && page.locator("#check").isEnabled(); i++) {
                page.locator("#code").fill(wrong);
                page.locator("#check").click();
                assertThat(page.locator("#code-problem .alert")).isVisible();
            }
            assertThat(page.locator("#check")).isDisabled();
            assertThat(page.locator("#code")).isDisabled();
            assertThat(page.locator("#resend")).isHidden();
            Locator newCode = page.locator("#step-code button:visible", new Page.LocatorOptions()
                    .setHasText(lang.t("인증번호 다시 받기", "new code")));
            assertThat(newCode).hasCount(1);
            String countdown = page.locator("#expires").textContent();
            page.waitForTimeout(1_500);
            assertThat(page.locator("#expires")).hasText(countdown);
            axe("locked after wrong codes");
            newCode.click();
            assertThat(page.locator("#check")).isEnabled();
            page.locator("#code").fill(newSmsCode(claim.getString("phone"), code));
            page.locator("#check").click();

            // Book: through the booking line, eligible, the grid in English names when English.
            page.waitForURL("**/book.html", new Page.WaitForURLOptions().setTimeout(40_000));
            assertThat(page.locator("#search")).isVisible();
            axe("eligible");
            Locator slot = firstOpenSlot(page);
            if (lang.ko()) {
                assertThat(page.locator("#province option").nth(1)).hasText(Pattern.compile("[가-힣]"));
            } else {
                assertThat(page.locator("#province option").nth(1)).hasText(Pattern.compile("^[A-Za-z -]+$"));
                assertThat(page.locator("details.clinic .clinic-name").first()).hasText(Pattern.compile("^[A-Za-z0-9 -]+$"));
            }
            axe("clinics and places");
            if (lang.ko()) {
                keyboardChoosesASlot();
            } else {
                slot.click();
            }
            assertThat(page.locator("#selection")).isVisible();
            axe("a choice made");
            page.locator("#book").click();

            // Done, with the clinic's address and telephone.
            page.waitForURL("**/done.html");
            assertThat(page.locator("#clinic-phone")).containsText(Pattern.compile("0\\d{1,2}-\\d{3}-\\d{4}"));
            assertThat(page.locator("#clinic-address")).not().isEmpty();
            axe("booked");

            // Back after booking: the book page shows the state as it is now, not "Booking…".
            page.goBack();
            page.waitForURL("**/book.html");
            assertThat(page.locator("#existing")).isVisible();
            assertThat(page.locator("#book[aria-busy=true]")).hasCount(0);

            page.navigate(base + "/my.html");
            assertThat(page.locator("#reservation")).isVisible();
            axe("my reservation");

            // The pages a verified, booked person may open besides: standby list, leftover-dose claim, family desk.
            for (String path : List.of("/standby.html", "/family.html", "/claim.html")) {
                page.navigate(base + path);
                assertThat(page.locator("#loading")).isHidden();
                axe("verified and booked");
            }
            // The lottery check: as opened, then a ticket that is not one.
            page.navigate(base + "/lottery.html");
            assertThat(page.locator("#check-form")).isVisible();
            axe("as opened");
            page.locator("#ticket").fill("not-a-ticket");
            page.locator("#check").click();
            assertThat(page.locator("#problem")).not().isEmpty();
            axe("a ticket that is not one");
            // A return link that is not one, and one with nothing after '#'.
            page.navigate(base + "/back.html?gate=identity#k1.YWJj.Zm9yZ2Vk");
            assertThat(page.locator("#problem")).not().isEmpty();
            axe("forged link");
            page.navigate(base + "/back.html?gate=identity");
            page.waitForLoadState();
            axe("no link");
            page.navigate(base + "/my.html");
            assertThat(page.locator("#reservation")).isVisible();

            // Change: through the booking line, dose 2 to another day; the confirmation lists address and telephone.
            page.locator("#to-change").click();
            page.waitForURL("**/change.html", new Page.WaitForURLOptions().setTimeout(40_000));
            assertThat(page.locator("#what")).isVisible();
            axe("what to change");
            page.locator("#what-dose1").check();
            Locator dose1Slot = firstOpenSlot(page);
            assertThat(dose1Slot).isVisible();
            axe("dose 1: clinics and places");
            page.locator("#what-dose2").check();
            Locator day = page.locator("#dose2-days button.slot:enabled").first();
            day.click();
            assertThat(page.locator("#selection")).isVisible();
            axe("dose 2: a day chosen");
            if (lang.ko()) {
                page.screenshot(new Page.ScreenshotOptions().setPath(DOCS.resolve("change.png")).setFullPage(true));
            }
            page.locator("#confirm").click();
            assertThat(page.locator("#changed")).isVisible();
            assertThat(page.locator("#clinic-phone")).containsText(Pattern.compile("0\\d{1,2}-\\d{3}-\\d{4}"));
            assertThat(page.locator("#clinic-address")).not().isEmpty();
            axe("changed");

            // A paused line: the operator's message in the reader's language, paused, the restart time, no
            // estimate, no progress bar; and asked again at the announced restart, not 20 s later.
            Instant back = Instant.now().plusSeconds(8);
            assertThat(operator.post("/api/operator/gates/identity/pause", new JsonObject().put("message", "시스템 점검 중입니다")
                    .put("messageEn", "Maintenance in progress").put("expectedBack", back.toString())).status()).isEqualTo(200);
            BrowserContext newcomer = newContext();
            Page waiting = newcomer.newPage();
            try {
                waiting.navigate(base + "/");
                waiting.locator("#join").click();
                waiting.waitForURL("**/wait.html");
                assertThat(waiting.locator("#paused-badge")).isVisible();
                assertThat(waiting.locator("#not-open-text")).containsText(lang.t("시스템 점검 중입니다", "Maintenance in progress"));
                assertThat(waiting.locator("#eta")).hasText(lang.t("대기열이 멈춘 동안은 예상 대기 시간을 알 수 없습니다",
                        "While the line is paused, the wait cannot be estimated"));
                assertThat(waiting.locator("#progress")).isHidden();
                axe(waiting, "paused");
            } finally {
                assertThat(operator.post("/api/operator/gates/identity/resume", new JsonObject()).status()).isEqualTo(200);
            }
            long resumed = System.nanoTime();
            waiting.waitForURL("**/verify.html", new Page.WaitForURLOptions().setTimeout(15_000));
            assertThat(Duration.ofNanos(System.nanoTime() - resumed)).as("asked again at the announced restart")
                    .isLessThan(Duration.ofSeconds(12));
            newcomer.close();

            // The text-size control: large text, kept across pages.
            Locator large = page.locator("[data-text-size]");
            large.click();
            assertThat(page.locator("html")).hasClass(Pattern.compile("large-text"));
            page.navigate(base + "/my.html");
            assertThat(page.locator("html")).hasClass(Pattern.compile("large-text"));
            assertThat(page.locator("[data-text-size]")).hasAttribute("aria-pressed", "true");
            axe("large text");
            if (lang.ko()) {
                // 200 % zoom of a 1280-pixel screen: 640 CSS pixels wide, with large text; nothing runs off the side.
                page.setViewportSize(640, 450);
                for (String path : List.of("/", "/schedule.html", "/my.html", "/verify.html", "/no-such-page")) {
                    page.navigate(base + path);
                    page.waitForLoadState();
                    page.waitForTimeout(300);
                    Object overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
                    assertThat(((Number) overflow).intValue()).as("horizontal overflow at 200 %% zoom on %s", path).isLessThanOrEqualTo(1);
                }
                page.setViewportSize(lang.width, lang.height);
                page.navigate(base + "/my.html");
            }
            page.locator("[data-text-size]").click();
            assertThat(page.locator("html")).not().hasClass(Pattern.compile("large-text"));

            // Verified again on another device: this one says why it ended, and when.
            BrowserContext other = newContext();
            Page otherPage = other.newPage();
            otherPage.navigate(base + "/");
            assertThat(otherPage.locator("#who .cohort-list").first()).isVisible();
            Object status = otherPage.evaluate(VERIFY_IN_PAGE, List.of(claim.getString("name"), claim.getString("birthDate"),
                    claim.getString("phone")));
            assertThat(String.valueOf(status)).as("verified on another device").isEqualTo("200");
            other.close();
            page.navigate(base + "/my.html");
            assertThat(page.locator("#problem")).containsText(lang.t("다른 기기", "another device"));
            assertThat(page.locator("#problem")).containsText(lang.t("인증한 시각", "Verified on the other device at"));
            axe("session replaced");

            // Refused: the ten-part rotation explained, with the person's day.
            BrowserContext young = newContext();
            Page youngPage = young.newPage();
            youngPage.navigate(base + "/");
            assertThat(youngPage.locator("#who .cohort-list").first()).isVisible();
            JsonObject youngClaim = TestResidents.claimOf(refused);
            Object youngStatus = youngPage.evaluate(VERIFY_IN_PAGE, List.of(youngClaim.getString("name"),
                    youngClaim.getString("birthDate"), youngClaim.getString("phone")));
            assertThat(String.valueOf(youngStatus)).as("verified as the person born on another rotation digit").isEqualTo("200");
            youngPage.navigate(base + "/book.html");
            Locator refusal = youngPage.locator("#eligibility .alert");
            assertThat(refusal).containsText(lang.t("10부제", "ten-day rotation"));
            assertThat(refusal.locator(".rotation-table")).isVisible();
            assertThat(refusal.locator("a[href='/schedule.html']")).isVisible();
            axe(youngPage, "refused: wrong rotation day");
            young.close();
            close();
        }

        /** The staff pages: the sign-in form, then signed in as the demo staff (codes from the dev page's API). */
        void staffPages(Map<String, String> usedCodes) {
            page.navigate(base + "/dev.html");
            assertThat(page.locator(".staff-code").first()).isVisible();
            axe("demo data");

            page.navigate(base + "/console.html");
            assertThat(page.locator("#sign-in")).isVisible();
            axe("sign-in");
            signIn("demo-operator", usedCodes);
            assertThat(page.locator("#section-dashboard")).isVisible();
            assertThat(page.locator("#gate-table")).containsText("identity");
            axe("dashboard");
            Locator sections = page.locator(".console-nav button[data-section]");
            for (int i = 1; i < sections.count(); i++) {
                String section = sections.nth(i).getAttribute("data-section");
                sections.nth(i).click();
                assertThat(page.locator("#section-" + section)).isVisible();
                page.waitForLoadState(com.microsoft.playwright.options.LoadState.NETWORKIDLE);
                axe("section " + section);
            }
            signOut();

            page.navigate(base + "/clinic.html");
            assertThat(page.locator("#sign-in")).isVisible();
            axe("sign-in");
            signIn("demo-clinic", usedCodes);
            assertThat(page.locator("#desk")).isVisible();
            page.waitForLoadState(com.microsoft.playwright.options.LoadState.NETWORKIDLE);
            axe("the day's list");
            signOut();

            page.navigate(base + "/agent.html");
            assertThat(page.locator("#sign-in")).isVisible();
            axe("sign-in");
            signIn("demo-agent", usedCodes);
            assertThat(page.locator("#desk")).isVisible();
            page.waitForLoadState(com.microsoft.playwright.options.LoadState.NETWORKIDLE);
            axe("desk");
            signOut();
        }

        /** A staff session is one per browser, whatever page made it: the next page signs in as its own role. */
        private void signOut() {
            page.locator("#sign-out").click();
            assertThat(page.locator("#sign-in")).isVisible();
        }

        /** Signs in on the page's form with a code not used before (a code is accepted once: a newer step's if need be). */
        private void signIn(String login, Map<String, String> usedCodes) {
            long until = System.nanoTime() + Duration.ofSeconds(45).toNanos();
            while (true) {
                io.vertx.core.json.JsonArray staff = new io.vertx.core.json.JsonArray(page.request().get(base + "/api/dev/staff").text());
                JsonObject account = staff.stream().map(JsonObject.class::cast).filter(a -> a.getString("login").equals(login))
                        .findFirst().orElseThrow();
                String code = account.getString("code");
                if (!code.equals(usedCodes.get(login))) {
                    usedCodes.put(login, code);
                    page.locator("#login").fill(login);
                    page.locator("#password").fill(account.getString("password"));
                    page.locator("#code").fill(code);
                    page.locator("#sign-in-form button[type=submit]").click();
                    assertThat(page.locator("#sign-in")).isHidden();
                    return;
                }
                if (System.nanoTime() > until) {
                    throw new AssertionError("no new authenticator code for " + login);
                }
                page.waitForTimeout(500);
            }
        }

        /** Tabs from the district choice to the first open place and takes it with the keyboard alone. */
        private void keyboardChoosesASlot() {
            page.locator("#district").focus();
            for (int i = 0; i < 60; i++) {
                page.keyboard().press("Tab");
                Object focused = page.evaluate("() => document.activeElement.matches('button.slot:enabled')");
                if (Boolean.TRUE.equals(focused)) {
                    page.keyboard().press("Enter");
                    assertThat(page.locator("#selection")).isVisible();
                    assertThat(page.locator("#book")).isFocused();
                    return;
                }
            }
            fail("no open place reached by Tab from the district choice");
        }

        private String smsCode(String phone) {
            String text = new JsonObject(page.request().get(base + "/api/dev/sms?phone=" + phone).text()).getString("text");
            Matcher m = CODE.matcher(text);
            assertThat(m.find()).as(text).isTrue();
            return m.group(1);
        }

        /** The code of a newer message than the one that held {@code old}. */
        private String newSmsCode(String phone, String old) {
            for (int i = 0; i < 50; i++) {
                String code = smsCode(phone);
                if (!code.equals(old)) {
                    return code;
                }
                page.waitForTimeout(200);
            }
            throw new AssertionError("no new code for " + phone);
        }
    }

    /** Chooses provinces and districts in order until a clinic shows a day with places left. */
    static Locator firstOpenSlot(Page page) {
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
                assertThat(page.locator("details.clinic, #results .alert").first()).isVisible();
                if (open.count() > 0) {
                    return open;
                }
            }
        }
        throw new AssertionError("no clinic with places left in any district");
    }

    private static void joinAnonymously(String base, int count) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            for (int i = 0; i < count; i++) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/gates/identity/join"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(201);
            }
        }
    }

    /**
     * axe-core's violations (WCAG 2.1 AA and best practices) on {@code p} as it is now; its context
     * must have {@link #axeSource()} as an init script. For the browser tests of single features.
     */
    static List<String> axeViolations(Page p) {
        return new io.vertx.core.json.JsonArray((String) p.evaluate(AXE_RUN)).stream().map(String::valueOf).toList();
    }

    /** The pinned axe-core, checked against its recorded checksum. */
    static String axeSource() throws Exception {
        try (InputStream in = AccessibilityBrowserIT.class.getResourceAsStream("/axe/axe.min.js")) {
            assertThat(in).as("axe/axe.min.js on the test class path").isNotNull();
            byte[] bytes = in.readAllBytes();
            assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))).isEqualTo(AXE_SHA256);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static void requireChromium() {
        if (!Files.isExecutable(CHROMIUM)) {
            if ("true".equals(System.getenv("CI"))) {
                fail("Chromium is required on CI: " + CHROMIUM);
            }
            Assumptions.abort("no Chromium at " + CHROMIUM);
        }
    }
}
