package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.server.demo.DemoData;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A pass of the identity gate verifies one person, once, over a real socket: several people's
 * codes entered at the same instant under one pass start exactly one session; and a verification
 * whose session cannot be written gives the pass back, so the person tries again without queueing.
 */
class OnePassOneVerificationIT {

    private static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");
    private static final int PEOPLE = 8;

    private String database;
    private OrderlyApp app;
    private List<DemoData.Resident> residents;

    @BeforeEach
    void start() {
        database = TestDatabase.fresh();
        Map<String, String> overrides = Map.of("ORDERLY_DATABASE_URL", database);
        app = TestApp.start(overrides, Clock.systemUTC());
        residents = TestResidents.of(TestApp.settings(overrides));
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void ofManyPeopleVerifyingAtOnceUnderOnePassExactlyOneIsVerified() {
        ApiClient browser = new ApiClient(app.port());
        browser.waitForIdentityPass(Duration.ofMinutes(2));
        List<String> challenges = new ArrayList<>();
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < PEOPLE; i++) {
            DemoData.Resident r = residents.get(200 + i);
            ApiClient.Answer challenge = browser.post("/api/identity/challenges", TestResidents.claimOf(r));
            assertThat(challenge.status()).as(challenge.body()).isEqualTo(201);
            challenges.add(challenge.json().getString("challengeId"));
            codes.add(codeSentTo(r));
        }

        List<CompletableFuture<ApiClient.Answer>> verifying = new ArrayList<>();
        for (int i = 0; i < PEOPLE; i++) {
            String id = challenges.get(i);
            String code = codes.get(i);
            verifying.add(CompletableFuture.supplyAsync(
                    () -> browser.post("/api/identity/challenges/" + id + "/verify", new JsonObject().put("code", code))));
        }
        List<ApiClient.Answer> answers = verifying.stream().map(f -> f.orTimeout(2, TimeUnit.MINUTES).join()).toList();

        assertThat(answers.stream().filter(a -> a.status() == 200).count()).as(answers.toString()).isEqualTo(1);
        for (ApiClient.Answer a : answers) {
            if (a.status() != 200) {
                assertThat(a.status()).as(a.body()).isEqualTo(403);
                assertThat(a.json().getString("type")).isEqualTo("/problems/pass-spent");
            }
        }
    }

    @Test
    void aVerificationWhoseSessionCannotBeWrittenLeavesThePassForAnotherTry() throws SQLException {
        ApiClient browser = new ApiClient(app.port());
        browser.waitForIdentityPass(Duration.ofMinutes(2));
        DemoData.Resident r = residents.get(300);

        sessionsTable("ALTER TABLE person_sessions RENAME TO person_sessions_away");
        ApiClient.Answer failed;
        try {
            failed = verify(browser, r);
        } finally {
            sessionsTable("ALTER TABLE person_sessions_away RENAME TO person_sessions");
        }
        assertThat(failed.status()).as(failed.body()).isGreaterThanOrEqualTo(500);

        ApiClient.Answer again = verify(browser, r);
        assertThat(again.status()).as("the same pass, once the database writes again: " + again.body()).isEqualTo(200);
        assertThat(browser.get("/api/me").json().getString("name")).isEqualTo(r.name());
        ApiClient.Answer third = browser.post("/api/identity/challenges", TestResidents.claimOf(residents.get(301)));
        assertThat(third.status()).as("the pass is used now").isEqualTo(403);
        assertThat(third.json().getString("type")).isEqualTo("/problems/pass-spent");
    }

    private ApiClient.Answer verify(ApiClient browser, DemoData.Resident r) {
        ApiClient.Answer challenge = browser.post("/api/identity/challenges", TestResidents.claimOf(r));
        assertThat(challenge.status()).as(challenge.body()).isEqualTo(201);
        return browser.post("/api/identity/challenges/" + challenge.json().getString("challengeId") + "/verify",
                new JsonObject().put("code", codeSentTo(r)));
    }

    private String codeSentTo(DemoData.Resident r) {
        String text = app.smsInbox().latestTo(r.phone()).orElseThrow(() -> new AssertionError("no code sent to " + r.name())).text();
        Matcher m = CODE.matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return m.group(1);
    }

    private void sessionsTable(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(database, "postgres", "");
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
