package dev.orderly.server.http;

import dev.orderly.problem.ProblemType;
import dev.orderly.staff.Role;
import dev.orderly.staff.StaffAccount;
import dev.orderly.staff.StaffAccounts;
import dev.orderly.staff.StaffChangeRefused;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Staff accounts managed by operators, under {@code /api/operator/staff} (behind
 * {@link OperatorAuth}; auditors may list them): create, change name, role or clinics, disable,
 * enable, set a password, give a new authenticator secret. A new authenticator secret, and a
 * password the server made up, are in the answer once and nowhere else; a password is never in
 * an answer otherwise, nor in a log.
 */
final class StaffAccountRoutes {

    private static final int MAX_CLINICS = 1000;

    private final HttpApi api;
    private final StaffAccounts accounts;

    StaffAccountRoutes(HttpApi api, StaffAccounts accounts) {
        this.api = api;
        this.accounts = accounts;
    }

    void mount(Router router) {
        router.get("/api/operator/staff").handler(ctx -> api.run(ctx, () -> Reply.json(200,
                new JsonArray(accounts.all().stream().map(a -> accountJson(a, api.clock().instant())).toList()))));
        router.post("/api/operator/staff").handler(this::create);
        router.patch("/api/operator/staff/:login").handler(this::change);
        router.post("/api/operator/staff/:login/disable").handler(ctx -> {
            String login = ctx.pathParam("login");
            if (self(ctx, "disable")) {
                return;
            }
            api.run(ctx, () -> refusals(() -> audited(ctx, "staff.disable", login, () -> accounts.disable(login), 200)));
        });
        router.post("/api/operator/staff/:login/enable").handler(ctx -> {
            String login = ctx.pathParam("login");
            api.run(ctx, () -> refusals(() -> audited(ctx, "staff.enable", login, () -> accounts.enable(login), 200)));
        });
        router.post("/api/operator/staff/:login/password").handler(this::password);
        router.post("/api/operator/staff/:login/totp").handler(ctx -> {
            String login = ctx.pathParam("login");
            api.run(ctx, () -> refusals(() -> {
                JsonObject before = current(login);
                StaffAccounts.WithSecret w = accounts.resetTotp(login);
                // The secret itself is never recorded: that it changed, and by whom, is.
                api.audit().record(ctx, "staff.totp-reset", "staff:" + login, before, accountJson(w.account(), api.clock().instant()));
                return Reply.json(200, accountJson(w.account(), api.clock().instant()).put("totpSecret", w.totpSecret())
                        .put("otpauthUri", w.otpauthUri()));
            }));
        });
    }

    private void create(RoutingContext ctx) {
        JsonInput in = JsonInput.of(ctx, Set.of("login", "name", "role", "clinics", "password"));
        String login = in.text("login", 64);
        String name = in.text("name", 200);
        Role role = role(in.text("role", 16));
        Set<Long> clinics = in.has("clinics") ? clinics(in) : Set.of();
        Optional<String> password = in.has("password") ? Optional.of(in.text("password", 1000)) : Optional.empty();
        api.run(ctx, () -> refusals(() -> {
            String chosen = password.orElseGet(accounts::randomPassword);
            StaffAccounts.WithSecret w = accounts.create(login, name, role, clinics, chosen);
            api.audit().record(ctx, "staff.create", "staff:" + login, null, accountJson(w.account(), api.clock().instant()));
            JsonObject body = accountJson(w.account(), api.clock().instant()).put("totpSecret", w.totpSecret()).put("otpauthUri", w.otpauthUri());
            if (password.isEmpty()) {
                body.put("password", chosen);
            }
            return Reply.json(201, body);
        }));
    }

    private void change(RoutingContext ctx) {
        String login = ctx.pathParam("login");
        JsonInput in = JsonInput.of(ctx, Set.of("name", "role", "clinics"));
        Optional<String> name = in.has("name") ? Optional.of(in.text("name", 200)) : Optional.empty();
        Optional<Role> role = in.has("role") ? Optional.of(role(in.text("role", 16))) : Optional.empty();
        Optional<Set<Long>> clinics = in.has("clinics") ? Optional.of(clinics(in)) : Optional.empty();
        if (role.isPresent() && role.get() != Role.OPERATOR && self(ctx, "change the role of")) {
            return;
        }
        api.run(ctx, () -> refusals(() -> audited(ctx, "staff.change", login, () -> accounts.change(login, name, role, clinics), 200)));
    }

    private void password(RoutingContext ctx) {
        String login = ctx.pathParam("login");
        JsonObject body = ctx.body().buffer() == null || ctx.body().buffer().length() == 0 ? new JsonObject() : JsonInput.object(ctx);
        JsonInput in = JsonInput.of(body, Set.of("password"), "body");
        Optional<String> password = in.has("password") ? Optional.of(in.text("password", 1000)) : Optional.empty();
        api.run(ctx, () -> refusals(() -> {
            String chosen = password.orElseGet(accounts::randomPassword);
            JsonObject before = current(login);
            JsonObject answer = accountJson(accounts.setPassword(login, chosen), api.clock().instant());
            // Never the password: that it was reset, and by whom.
            api.audit().record(ctx, "staff.password-reset", "staff:" + login, before, answer.copy());
            if (password.isEmpty()) {
                answer.put("password", chosen);
            }
            return Reply.json(200, answer);
        }));
    }

    /** The account as it is now, for the audit log's "before"; null when there is none. */
    private JsonObject current(String login) {
        return accounts.find(login).map(a -> accountJson(a, api.clock().instant())).orElse(null);
    }

    /** Makes {@code change}, records it with the account before and after, and answers the account. */
    private Reply audited(RoutingContext ctx, String action, String login, Supplier<StaffAccount> change, int status) {
        JsonObject before = current(login);
        JsonObject after = accountJson(change.get(), api.clock().instant());
        api.audit().record(ctx, action, "staff:" + login, before, after);
        return Reply.json(status, after);
    }

    /** Whether the path's login is the caller's own, and if so says no: an operator cannot shut themselves out. */
    private boolean self(RoutingContext ctx, String what) {
        if (!ctx.pathParam("login").equals(Actor.of(ctx).login())) {
            return false;
        }
        api.send(ctx, Reply.problem(ProblemType.OWN_ACCOUNT, "you cannot " + what + " your own account; ask another operator"));
        return true;
    }

    private static Role role(String slug) {
        return Role.fromSlug(slug).orElseThrow(() -> new BadRequest("'role' must be one of operator, clinic, agent, auditor"));
    }

    private static Set<Long> clinics(JsonInput in) {
        JsonArray array = in.array("clinics", MAX_CLINICS);
        Set<Long> clinics = new LinkedHashSet<>();
        for (Object o : array) {
            if (!(o instanceof Number n) || n.doubleValue() != Math.floor(n.doubleValue()) || n.longValue() < 0 || n.longValue() > Integer.MAX_VALUE) {
                throw new BadRequest("'clinics' must be an array of clinic ids (whole numbers, 0 or more)");
            }
            clinics.add(n.longValue());
        }
        return clinics;
    }

    private static Reply refusals(Supplier<Reply> change) {
        try {
            return change.get();
        } catch (StaffChangeRefused e) {
            return switch (e.reason()) {
                case UNKNOWN -> Reply.problem(ProblemType.UNKNOWN_STAFF, e.getMessage());
                case EXISTS -> Reply.problem(ProblemType.STAFF_EXISTS, e.getMessage());
                case WEAK_PASSWORD -> Reply.problem(ProblemType.WEAK_PASSWORD, e.getMessage());
                case INVALID -> Reply.problem(ProblemType.INVALID_STAFF, e.getMessage());
                case CONTENDED -> Reply.problem(ProblemType.STAFF_BUSY, e.getMessage()).header("Retry-After", "1");
            };
        }
    }

    static JsonObject accountJson(StaffAccount a, java.time.Instant now) {
        JsonObject json = new JsonObject().put("login", a.login()).put("name", a.name()).put("role", a.role().slug())
                .put("clinics", new JsonArray(a.clinics().stream().sorted().toList())).put("disabled", a.disabled())
                .put("locked", a.lockedAt(now)).put("createdAt", a.createdAt().toString());
        a.lockedUntil().filter(now::isBefore).ifPresent(u -> json.put("lockedUntil", u.toString()));
        return json;
    }
}
