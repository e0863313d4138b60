package dev.orderly.server;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.orderly.server.demo.DemoData;
import dev.orderly.staff.Totp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console's Messages section in headless Chromium: an operator signs in, picks a cohort,
 * writes the Korean and English text, previews (count and the SMS as sent), sends after the
 * confirmation dialog names the count, and each person's phone gets the message.
 *
 * <p>Skipped when /usr/bin/chromium is missing, except on CI (CI=true), where it fails instead.
 */
class MessageConsoleBrowserIT {

    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    private static final String TOKEN = BookingHttpIT.TOKEN;
    private static final String PASSWORD = "a long enough password";

    private static OrderlyApp app;
    private static Playwright playwright;
    private static Browser browser;
    private static String base;
    private static List<DemoData.Resident> people;

    @BeforeAll
    static void start() {
        if (!Files.isExecutable(CHROMIUM)) {
            Assumptions.assumeTrue("true".equals(System.getenv("CI")), "no Chromium at " + CHROMIUM + "; the browser test is skipped");
            throw new AssertionError("CI=true but there is no Chromium at " + CHROMIUM);
        }
        Settings settings = TestApp.settings(Map.of("ORDERLY_OPERATOR_TOKEN", TOKEN));
        app = OrderlyApp.start(settings, Clock.systemUTC());
        base = "http://127.0.0.1:" + app.port();
        people = TestResidents.of(settings).subList(0, 2);
        ApiClient machine = new ApiClient(app.port()).withBearer(TOKEN);
        StringBuilder csv = new StringBuilder();
        people.forEach(r -> csv.append(r.id()).append(',').append(r.name()).append(',').append(r.birthDate()).append(",console-test\n"));
        assertThat(machine.postRaw("/api/operator/special-groups", "text/csv", csv.toString()).status()).isEqualTo(201);
        assertThat(machine.put("/api/operator/cohorts/console-test", new JsonObject().put("name", "콘솔 시험").put("bornFrom", "1900-01-01")
                .put("bornTo", "2020-12-31").put("products", new JsonArray().add("PFZ")).put("specialGroup", "console-test")
                .put("windows", new JsonArray().add(new JsonObject().put("opensAt", "2031-01-01T00:00:00Z").put("closesAt", "2031-12-31T00:00:00Z"))))
                .status()).isEqualTo(201);
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

    @Test
    void anOperatorPreviewsAMessageToACohortSeesTheCountAndSendsIt() throws Exception {
        ApiClient machine = new ApiClient(app.port()).withBearer(TOKEN);
        ApiClient.Answer account = machine.post("/api/operator/staff", new JsonObject().put("login", "park").put("name", "Park")
                .put("role", "operator").put("password", PASSWORD));
        assertThat(account.status()).as(account.body()).isEqualTo(201);

        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setLocale("ko-KR"))) {
            context.setDefaultTimeout(20_000);
            Page page = context.newPage();
            page.navigate(base + "/console.html");
            page.locator("#login").fill("park");
            page.locator("#password").fill(PASSWORD);
            page.locator("#code").fill(Totp.code(account.json().getString("totpSecret"), Instant.now()));
            page.locator("#sign-in-form button[type=submit]").click();
            assertThat(page.locator("#console")).isVisible();

            page.locator(".console-nav button[data-section=messages]").click();
            assertThat(page.locator("#section-messages")).isVisible();
            assertThat(page.locator("#m-cohort option[value=console-test]")).hasCount(1);
            page.locator("#m-cohort").selectOption("console-test");
            page.locator("#m-ko").fill("2차 접종일이 8월 9일로 바뀌었습니다");
            page.locator("#m-en").fill("Dose 2 moved to 9 August");
            page.locator("#message-form button[type=submit]").click();

            assertThat(page.locator("#message-preview .message-count")).containsText("받는 사람 2명 (cohort:console-test)");
            String body = "[Orderly] 2차 접종일이 8월 9일로 바뀌었습니다\nDose 2 moved to 9 August";
            assertThat(page.locator("#message-preview .message-sample")).hasText(body);

            page.locator("#message-preview button").click();
            assertThat(page.locator("#confirm")).isVisible();
            assertThat(page.locator("#confirm-body")).containsText("2명");
            page.locator("#confirm-ok").click();
            assertThat(page.locator("#message-result")).containsText("2명");
            assertThat(page.locator("#message-preview")).isHidden();

            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            for (DemoData.Resident r : people) {
                ApiClient.Answer inbox;
                do {
                    Thread.sleep(100);
                    inbox = machine.get("/api/dev/sms?phone=" + r.phone());
                } while (inbox.status() == 404 && Instant.now().isBefore(deadline));
                assertThat(inbox.json().getString("text")).isEqualTo(body);
            }
            JsonObject entry = machine.get("/api/operator/audit?action=message.send").json().getJsonArray("entries").getJsonObject(0);
            assertThat(entry.getString("actor")).isEqualTo("park");
            assertThat(entry.getJsonObject("after").getLong("count")).isEqualTo(2);
        }
    }
}
