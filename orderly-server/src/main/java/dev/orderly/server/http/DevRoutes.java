package dev.orderly.server.http;

import dev.orderly.problem.ProblemType;
import dev.orderly.registry.PhoneNumbers;
import dev.orderly.server.DevSmsInbox;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Routes that exist only in demo runs: the SMS inbox where a demo user reads their code, and
 * residents of the open cohort to try the walk with. A load test plays many residents at once:
 * it pages through them ({@code count}, {@code offset}) and reads each one's code by phone
 * ({@code /api/dev/sms?phone=}). Never mounted when demo mode is off.
 */
public final class DevRoutes {

    /** A resident a demo user may verify as. */
    public record SampleResident(String name, String birthDate, String phone) {
    }

    /** A demo staff account with its secrets, to sign in with in a demo run. */
    public record DemoAccount(String login, String role, List<Long> clinics, String password, String totpSecret) {
        @Override
        public String toString() {
            return "DemoAccount[" + login + "]";
        }
    }

    /** Most residents one page lists. */
    static final int MAX_RESIDENTS = 100_000;

    private final DevSmsInbox inbox;
    private final BiFunction<Integer, Integer, List<SampleResident>> samples;
    private java.util.function.Supplier<List<DemoAccount>> staff = List::of;

    /** {@code samples} answers (count, offset) with residents of the open cohort in a stable order. */
    public DevRoutes(DevSmsInbox inbox, BiFunction<Integer, Integer, List<SampleResident>> samples) {
        this.inbox = inbox;
        this.samples = samples;
    }

    /** Shows these demo staff accounts, each with its current code (read when asked). */
    public DevRoutes withStaff(java.util.function.Supplier<List<DemoAccount>> accounts) {
        this.staff = accounts;
        return this;
    }

    void mount(Router router, HttpApi api) {
        router.get("/api/dev/staff").handler(ctx -> api.run(ctx, () -> {
            java.time.Instant now = api.clock().instant();
            long left = dev.orderly.staff.Totp.STEP_SECONDS - Math.floorMod(now.getEpochSecond(), dev.orderly.staff.Totp.STEP_SECONDS);
            return Reply.json(200, new JsonArray(staff.get().stream().map(a -> new JsonObject().put("login", a.login()).put("role", a.role())
                    .put("clinics", new JsonArray(List.copyOf(a.clinics()))).put("password", a.password())
                    .put("code", dev.orderly.staff.Totp.code(a.totpSecret(), now)).put("secondsLeft", left)).toList()));
        }));
        // The inbox is in the database, shared by every node: read off the event loop.
        router.get("/api/dev/sms").handler(ctx -> {
            String phone = ctx.queryParams().get("phone");
            if (phone == null) {
                api.run(ctx, () -> Reply.json(200, new JsonArray(inbox.messages().stream().map(DevRoutes::messageJson).toList())));
                return;
            }
            String digits = PhoneNumbers.normalise(phone)
                    .orElseThrow(() -> new BadRequest("'phone' must be a Korean mobile number such as 010-1234-5678"));
            api.run(ctx, () -> inbox.latestTo(digits).map(m -> Reply.json(200, messageJson(m)))
                    .orElseGet(() -> Reply.problem(ProblemType.NO_MESSAGE, "No message to that phone is kept")));
        });
        router.get("/api/dev/residents").handler(ctx -> {
            int count = JsonInput.wholeNumber("count", ctx.queryParams().get("count"), 8, 1, MAX_RESIDENTS);
            int offset = JsonInput.wholeNumber("offset", ctx.queryParams().get("offset"), 0, 0, Integer.MAX_VALUE);
            api.run(ctx, () -> Reply.json(200, new JsonArray(samples.apply(count, offset).stream()
                    .map(r -> new JsonObject().put("name", r.name()).put("birthDate", r.birthDate()).put("phone", r.phone()))
                    .toList())));
        });
    }

    private static JsonObject messageJson(DevSmsInbox.Message m) {
        return new JsonObject().put("at", m.at().toString()).put("to", m.maskedPhone()).put("toLast4", m.phoneLast4()).put("text", m.text());
    }
}
