package dev.orderly.server;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.options.AriaRole;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Identity verification in headless Chromium, through the real pages: the waiting room, the
 * verify page filled from the demo page, the code read from the dev SMS inbox in a second tab,
 * then a second device taking the session over. A real browser sends the Origin and
 * Sec-Fetch-Site headers the cross-site check reads, so this also shows the pages pass it and that
 * a page on another site cannot log the person out.
 *
 * <p>Skipped when /usr/bin/chromium is missing, except on CI (CI=true), where it fails instead.
 */
class IdentityBrowserIT {

    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");

    private static OrderlyApp app;
    private static Playwright playwright;
    private static Browser browser;
    private static String base;

    @BeforeAll
    static void start() {
        if (!Files.isExecutable(CHROMIUM)) {
            Assumptions.assumeTrue("true".equals(System.getenv("CI")), "no Chromium at " + CHROMIUM + "; the browser test is skipped");
            throw new AssertionError("CI=true but there is no Chromium at " + CHROMIUM);
        }
        app = TestApp.start(Map.of(), Clock.systemUTC());
        base = "http://127.0.0.1:" + app.port();
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM).setHeadless(true)
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                        "--disable-component-update", "--disable-sync")));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
        if (app != null) {
            app.close();
        }
    }

    private static BrowserContext device() {
        BrowserContext context = browser.newContext(new Browser.NewContextOptions().setLocale("ko-KR"));
        context.setDefaultTimeout(20_000);
        return context;
    }

    /** Walks one device from the landing page to the booking page as the first demo resident; returns their name. */
    private static String verifyThroughThePages(BrowserContext context, Page page) {
        page.navigate(base + "/");
        page.locator("#join").click();
        page.waitForURL("**/verify.html", new Page.WaitForURLOptions().setTimeout(30_000));

        Page inbox = context.newPage();
        inbox.navigate(base + "/dev.html");
        Locator resident = inbox.locator(".resident").first();
        String name = resident.locator(".resident-name").textContent().trim();
        resident.getByRole(AriaRole.BUTTON).click();
        assertThat(page.locator("#name")).hasValue(name);

        int codesBefore = inbox.locator(".sms-code").count();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("인증번호 받기")).click();
        assertThat(page.locator("#step-code")).isVisible();
        assertThat(page.locator("#sent-to")).containsText("010-****-");
        // The inbox refreshes itself; the new code is the newest message once there is one more.
        assertThat(inbox.locator(".sms-code")).hasCount(codesBefore + 1);
        Locator code = inbox.locator(".sms-code").first();
        assertThat(code).hasText(Pattern.compile("\\d{6}"));
        page.locator("#code").fill(code.textContent().trim());
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("확인").setExact(true)).click();
        page.waitForURL("**/book.html");
        assertThat(page.locator("#person-name")).containsText(name);
        inbox.close();
        return name;
    }

    @Test
    void aPersonVerifiesWithTheCodeFromTheDevInboxAndASecondDeviceTakesTheSessionOver() {
        try (BrowserContext phone = device(); BrowserContext laptop = device()) {
            Page onPhone = phone.newPage();
            String name = verifyThroughThePages(phone, onPhone);
            JsonObject me = new JsonObject(onPhone.request().get(base + "/api/me").text());
            assertThat(me.getString("name")).isEqualTo(name);
            assertThat(phone.cookies().stream().filter(c -> c.name.equals("orderly_session")))
                    .singleElement().satisfies(c -> assertThat(c.httpOnly).isTrue());

            Page onLaptop = laptop.newPage();
            assertThat(verifyThroughThePages(laptop, onLaptop)).isEqualTo(name);

            // The phone's next request is told why its session ended (and its dead cookie is cleared).
            Response told = onPhone.waitForResponse(r -> r.url().endsWith("/api/me"), () -> onPhone.reload());
            assertThat(told.status()).isEqualTo(401);
            assertThat(new JsonObject(told.text()).getString("type")).isEqualTo("/problems/session-replaced");
            assertThat(onPhone.locator("#need-verify")).isVisible();
            assertThat(new JsonObject(onLaptop.request().get(base + "/api/me").text()).getString("name")).isEqualTo(name);
        }
    }

    @Test
    void aPageOnAnotherSiteCannotLogThePersonOut() throws Exception {
        // The attacker's site: another address (127.0.0.2 is another site than 127.0.0.1 to a browser).
        HttpServer attackerSite = HttpServer.create(new InetSocketAddress("127.0.0.2", 0), 0);
        byte[] html = "<!doctype html><title>You won a prize</title>".getBytes(StandardCharsets.UTF_8);
        attackerSite.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, html.length);
            exchange.getResponseBody().write(html);
            exchange.close();
        });
        attackerSite.start();
        try (BrowserContext context = device()) {
            Page page = context.newPage();
            verifyThroughThePages(context, page);
            Page attacker = context.newPage();
            attacker.navigate("http://127.0.0.2:" + attackerSite.getAddress().getPort() + "/win");

            Response answer = attacker.waitForResponse(r -> r.url().endsWith("/api/identity/logout"), () ->
                    attacker.evaluate("url => fetch(url, {method: 'POST', mode: 'no-cors', credentials: 'include'}).catch(() => null)",
                            base + "/api/identity/logout"));

            // Logout answers 204 to anyone, cookie or not; only the cross-site check answers 403 there.
            assertThat(answer.status()).isEqualTo(403);
            assertThat(page.request().get(base + "/api/me").status()).as("still signed in").isEqualTo(200);
        } finally {
            attackerSite.stop(0);
        }
    }
}
