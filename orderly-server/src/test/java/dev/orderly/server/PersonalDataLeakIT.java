package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.identity.SmsGateway;
import dev.orderly.registry.RegistryCsv;
import dev.orderly.registry.ResidentNumbers;
import dev.orderly.server.demo.DemoData;
import dev.orderly.server.postgres.Database;
import dev.orderly.server.postgres.OutboxRelay;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * No resident number, whole phone number or one-time code in the logs, metrics, error answers or
 * the outbox: a citizen's whole walk (mistakes, a rate limit, a cross-site refusal, verification,
 * a second device, booking, the confirmation texts, cancelling, logging out) against a real
 * Orderly, with the real log output captured, then every output searched for the person's data
 * in every form it could take.
 */
class PersonalDataLeakIT {

    private static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");

    private final List<ApiClient.Answer> errorAnswers = new ArrayList<>();

    private final List<String> clinicAnswers = new ArrayList<>();

    private ApiClient.Answer record(ApiClient.Answer a) {
        if (a.status() >= 400) {
            errorAnswers.add(a);
        }
        return a;
    }

    @Test
    void aWholeWalkLeavesNoResidentNumberPhoneOrCodeInLogsErrorsMetricsOrTheOutbox() throws Exception {
        Map<String, String> overrides = Map.of("ORDERLY_RATE_CHALLENGE_PER_PHONE", "4/1m");
        List<DemoData.Resident> residents = TestResidents.of(TestApp.settings(overrides));
        List<String> codes = new ArrayList<>();
        DemoData.Resident r;
        String logs;
        String metrics;
        String outbox;
        try (LogCapture capture = new LogCapture()) {
            try (OrderlyApp app = TestApp.start(overrides, Clock.systemUTC())) {
                ApiClient phone = new ApiClient(app.port());
                String samplePhone = phone.get("/api/dev/residents").array().getJsonObject(0).getString("phone");
                r = residents.stream().filter(x -> x.phone().equals(samplePhone)).findFirst().orElseThrow();
                JsonObject claim = TestResidents.claimOf(r);
                String challenges = "/api/identity/challenges";
                phone.waitForIdentityPass(Duration.ofSeconds(20));

                // Mistakes, each answered with a problem.
                record(phone.post(challenges, claim.copy().put("name", r.name() + "가")));
                record(phone.post(challenges, claim.copy().put("birthDate", ResidentNumbers.dashed(r.residentNumber()))));
                record(phone.post(challenges, claim.copy().put("phone", r.residentNumber())));
                record(phone.post(challenges, claim.copy().put("name", r.phone())));
                record(phone.post(challenges, claim.copy().put("residentNumber", r.residentNumber())));
                record(phone.post(challenges, claim, "Sec-Fetch-Site", "cross-site"));

                // A code, a wrong one and a malformed one, then the right one.
                String id = record(phone.post(challenges, claim)).json().getString("challengeId");
                String code = codeFor(app, r);
                codes.add(code);
                record(phone.post(challenges + "/" + id + "/verify", new JsonObject().put("code", wrong(code))));
                record(phone.post(challenges + "/" + id + "/verify", new JsonObject().put("code", code + "0")));
                assertThat(record(phone.post(challenges + "/" + id + "/verify", new JsonObject().put("code", code))).status()).isEqualTo(200);

                // A second device takes over; the first is told.
                ApiClient laptop = new ApiClient(app.port());
                laptop.waitForIdentityPass(Duration.ofSeconds(20));
                assertThat(record(laptop.verifyAs(phoneAsTyped(r))).status()).isEqualTo(200);
                codes.add(codeFor(app, r));
                assertThat(record(phone.get("/api/me")).status()).isEqualTo(401);

                // More codes until the phone's rate limit answers (verifying used up the pass: queue again).
                laptop.waitForIdentityPass(Duration.ofSeconds(20));
                for (int i = 0; i < 5 && record(laptop.post(challenges, claim)).status() == 201; i++) {
                    codes.add(codeFor(app, r));
                }

                // Booking and cancelling: two texts leave through the outbox.
                String reference = book(laptop);
                awaitText(app, reference, 1);

                // The clinic's desk reads its day, searches the person, refuses a check-in on the wrong day.
                ApiClient desk = new ApiClient(app.port()).withBearer(app.operatorToken());
                JsonObject mine = laptop.get("/api/reservations/mine").json();
                String clinicDesk = "/api/operator/clinics/" + mine.getJsonObject("clinic").getLong("id");
                clinicAnswers.add(desk.get(clinicDesk + "/day?date=" + mine.getString("dose1Day")).body());
                clinicAnswers.add(desk.get(clinicDesk + "/day?date=" + mine.getString("dose1Day") + "&name=" + CitizenWalkHttpIT.enc(r.name())
                        + "&birthDate=" + r.birthDate()).body());
                clinicAnswers.add(record(desk.post(clinicDesk + "/check-in", new JsonObject().put("name", r.name())
                        .put("birthDate", r.birthDate().toString()))).body());
                clinicAnswers.add(record(desk.post(clinicDesk + "/check-in", new JsonObject().put("reference", reference).put("dose", 2))).body());
                assertThat(record(laptop.delete("/api/reservations/mine")).status()).isEqualTo(200);
                awaitText(app, reference, 2);
                assertThat(record(laptop.post("/api/identity/logout", null)).status()).isEqualTo(204);
                record(laptop.get("/api/me"));

                metrics = laptop.get("/metrics").body();
                outbox = rows(app.database(), "SELECT o::text FROM outbox o");
                app.smsInbox().messages().forEach(m -> {
                    Matcher m6 = CODE.matcher(m.text());
                    if (m.text().contains("인증번호") && m6.find()) {
                        codes.add(m6.group(1));
                    }
                });
            }
            logs = capture.text();
        }

        PersonalDataScan scan = new PersonalDataScan().residentNumber(r.residentNumber()).phone(r.phone());
        codes.stream().distinct().forEach(scan::code);
        List<String> findings = new ArrayList<>(scan.findIn("logs", logs));
        errorAnswers.forEach(a -> findings.addAll(scan.findIn("a " + a.status() + " answer", a.body() + " " + a.raw().headers())));
        findings.addAll(scan.findIn("metrics", metrics));
        findings.addAll(scan.findIn("outbox", outbox));
        clinicAnswers.forEach(a -> findings.addAll(scan.findIn("a clinic desk answer", a)));

        assertThat(findings).isEmpty();
        // The scan looked at real output: the app's own lines, each kind of error, codes and texts.
        assertThat(logs).contains("demo data written").contains("generated");
        assertThat(errorAnswers).extracting(ApiClient.Answer::status).contains(400, 401, 403, 422, 429);
        assertThat(codes).hasSizeGreaterThanOrEqualTo(3);
        assertThat(outbox).contains("BOOKED").contains("CANCELLED");
        assertThat(String.join(" ", clinicAnswers)).as("the desk saw the booking").contains("\"status\":\"booked\"").contains("wrong-day");
        assertThat(metrics).contains("orderly_identity_checks_total").contains("orderly_rate_limited_total");
    }

    @Test
    void aGatewayErrorThatQuotesTheNumberIsRedactedInTheLogAndTheOutbox() throws Exception {
        Vertx vertx = Vertx.vertx();
        Database db = Database.external(vertx, TestDatabase.fresh(), "postgres", "", 4);
        PrivacyKeys keys = TestPrivacy.keys();
        String logs;
        String outbox;
        try (LogCapture capture = new LogCapture(); Connection c = db.jdbc()) {
            TestPrivacy.importer(keys).importCsv(c, new StringReader(RegistryCsv.HEADER + "\n640505-1234567,홍길동,1964-05-05,010-1234-5678\n"));
            try (Statement s = c.createStatement()) {
                s.execute("""
                        INSERT INTO outbox (kind, person_id, reference, body, created_at, next_attempt_at)
                        SELECT 'BOOKED', id, 'OR-TEST0001', '[Orderly] booked OR-TEST0001', now(), now() FROM residents""");
            }
            SmsGateway refusing = (phone, text) -> {
                throw new SmsGateway.SmsDeliveryException("carrier refused +82-10-1234-5678 (" + phone + "), verification 123456", null);
            };
            int sent = new OutboxRelay(db.pool(), refusing, Clock.systemUTC(), keys.phoneCipher()).relayDue();
            assertThat(sent).isZero();
            outbox = rows(db, "SELECT o::text FROM outbox o");
            logs = capture.text();
        } finally {
            db.close();
            vertx.close();
        }

        PersonalDataScan scan = new PersonalDataScan().phone("01012345678").code("123456");
        assertThat(scan.findIn("logs", logs)).isEmpty();
        assertThat(scan.findIn("outbox", outbox)).isEmpty();
        assertThat(outbox).contains("SmsDeliveryException: carrier refused [redacted]");
        assertThat(logs).contains("not delivered").contains("[redacted]");
    }

    @Test
    void theScanFindsPersonalDataInEveryFormAndNothingElse() {
        PersonalDataScan scan = new PersonalDataScan().residentNumber("6405051234567").phone("01012345678").code("042917");
        for (String leak : List.of("640505-1234567", "6405051234567", "640505 1234567", "1234567", "010-1234-5678", "01012345678",
                "010.1234.5678", "010 1234 5678", "+82 10 1234 5678", "+821012345678", "1234-5678", "12345678", "042917")) {
            assertThat(scan.findIn("text", "at " + leak + ".")).as(leak).isNotEmpty();
        }
        for (String innocent : List.of("port 61234567", "orderly-test6405051234567999", "2021-07-26", "0421917", "OR-AB12CD34",
                "010-1234-5679", "640505-1234568")) {
            assertThat(scan.findIn("text", "at " + innocent + ".")).as(innocent).isEmpty();
        }
        try (LogCapture capture = new LogCapture()) {
            org.slf4j.Logger log = LoggerFactory.getLogger("dev.orderly.planted");
            log.debug("planted at debug level {}", "640505-1234567");
            log.error("planted in a stack trace", new IllegalStateException("code 042917"));

            assertThat(scan.findIn("logs", capture.text())).anyMatch(f -> f.contains("debug level"))
                    .anyMatch(f -> f.contains("IllegalStateException"));
        }
    }

    private static String wrong(String code) {
        return "%06d".formatted((Integer.parseInt(code) + 1) % 1_000_000);
    }

    private static JsonObject phoneAsTyped(DemoData.Resident r) {
        return new JsonObject().put("name", r.name()).put("birthDate", r.birthDate().toString()).put("phone", r.phone());
    }

    private static String codeFor(OrderlyApp app, DemoData.Resident r) {
        String text = app.smsInbox().messages().stream().filter(m -> r.phone().endsWith(m.phoneLast4()) && m.text().contains("인증번호"))
                .findFirst().orElseThrow().text();
        Matcher m = CODE.matcher(text);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private String book(ApiClient client) {
        client.waitForPass("booking", Duration.ofSeconds(20));
        JsonObject me = client.get("/api/me").json();
        String day = me.getString("firstBookableDay");
        String province = client.get("/api/regions").array().getJsonObject(0).getString("province");
        JsonObject clinic = client.get("/api/clinics?province=" + CitizenWalkHttpIT.enc(province)).json().getJsonArray("clinics")
                .getJsonObject(0);
        JsonObject slot = clinic.getJsonArray("days").stream().map(JsonObject.class::cast).filter(d -> d.getString("day").equals(day))
                .findFirst().orElseThrow();
        ApiClient.Answer booked = record(client.post("/api/reservations", new JsonObject().put("clinicId", clinic.getLong("id"))
                .put("day", day).put("product", slot.getString("product"))));
        assertThat(booked.status()).as(booked.body()).isEqualTo(201);
        return booked.json().getString("reference");
    }

    /** Waits (bounded) until the inbox holds {@code count} texts about {@code reference}. */
    private static void awaitText(OrderlyApp app, String reference, int count) {
        long until = System.nanoTime() + ApiClient.PATIENCE.toNanos();
        while (app.smsInbox().messages().stream().filter(m -> m.text().contains(reference)).count() < count) {
            if (System.nanoTime() > until) {
                throw new AssertionError("the outbox relay did not send text " + count + " about " + reference + " within " + ApiClient.PATIENCE);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
    }

    private static String rows(Database db, String sql) throws Exception {
        StringBuilder out = new StringBuilder();
        try (Connection c = db.jdbc(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.append(rs.getString(1)).append('\n');
            }
        }
        return out.toString();
    }
}
