package dev.orderly.server.http;

import static dev.orderly.staff.Role.AGENT;
import static dev.orderly.staff.Role.AUDITOR;
import static dev.orderly.staff.Role.CLINIC;
import static dev.orderly.staff.Role.OPERATOR;

import dev.orderly.staff.Role;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may call each staff operation: one rule per method and route under {@code /api/operator/},
 * checked for every request before its route runs. No rule, no call: a request that matches no
 * rule is answered 404 whatever the role, and the server refuses to start when a route is mounted
 * under {@code /api/operator/} without a rule ({@link #uncovered}).
 *
 * <ul>
 *   <li>operator: everything;</li>
 *   <li>auditor: every read, no change;</li>
 *   <li>agent (call centre): the gates and the cohorts, read only, to tell a caller where things stand, and
 *       acting for a caller who confirmed with a code ({@code /api/operator/agent/}, also open to operators);</li>
 *   <li>clinic: the cohorts, read only, the capacity of its own clinics, read only (the
 *       {@code clinicId} asked for must be one of the account's; any other is refused), and, by the
 *       {@code :clinicId} of the path, for its own clinics only: the clinic desk (day list, check-in,
 *       doses, no-shows, capacity, closing a day) and the leftover doses (release, and read). An
 *       auditor reads the day lists; an operator does everything for every clinic.</li>
 * </ul>
 * The FHIR read API ({@code /fhir/Appointment}, {@code /fhir/Immunization}) is guarded alike: a clinic
 * account must name one of its own clinics as the {@code location}.
 */
final class AccessRules {

    /** Which part of a clinic's data a rule touches, for clinic accounts. */
    enum Scope {
        /** Data of no one clinic (or of all): a clinic account gets it only if its role is listed. */
        ANY,
        /** One clinic, named by the {@code clinicId} query parameter: a clinic account only for its own clinics. */
        CLINIC_IN_QUERY,
        /** One clinic, named by the route's {@code :clinicId} path segment: a clinic account only for its own clinics. */
        CLINIC_IN_PATH,
        /** One clinic, named by FHIR's {@code location} search parameter ({@code 12} or {@code Location/12}): a clinic account only for its own clinics. */
        LOCATION_IN_QUERY
    }

    record Rule(HttpMethod method, String route, Set<Role> roles, Scope scope, Pattern pattern) {
    }

    /** What a request may do. */
    enum Decision {
        ALLOWED, ROLE_NOT_ALLOWED, NO_RULE
    }

    static final List<Rule> TABLE = List.of(
            rule(HttpMethod.GET, "/api/operator/gates", OPERATOR, AUDITOR, AGENT),
            rule(HttpMethod.GET, "/api/operator/gates/:gate", OPERATOR, AUDITOR, AGENT),
            rule(HttpMethod.PUT, "/api/operator/gates/:gate", OPERATOR),
            rule(HttpMethod.PUT, "/api/operator/gates/:gate/admission", OPERATOR),
            rule(HttpMethod.POST, "/api/operator/gates/:gate/pause", OPERATOR),
            rule(HttpMethod.POST, "/api/operator/gates/:gate/resume", OPERATOR),
            rule(HttpMethod.POST, "/api/operator/gates/:gate/close", OPERATOR),
            rule(HttpMethod.POST, "/api/operator/gates/:gate/lottery/redraw", OPERATOR),
            rule(HttpMethod.GET, "/api/operator/cohorts", OPERATOR, AUDITOR, AGENT, CLINIC),
            rule(HttpMethod.PUT, "/api/operator/cohorts/:id", OPERATOR),
            rule(HttpMethod.DELETE, "/api/operator/cohorts/:id", OPERATOR),
            rule(HttpMethod.POST, "/api/operator/cohorts/:id/windows", OPERATOR),
            rule(HttpMethod.GET, "/api/operator/special-groups", OPERATOR, AUDITOR),
            rule(HttpMethod.POST, "/api/operator/special-groups", OPERATOR),
            new Rule(HttpMethod.GET, "/api/operator/capacity", EnumSet.of(OPERATOR, AUDITOR, CLINIC), Scope.CLINIC_IN_QUERY,
                    pattern("/api/operator/capacity")),
            rule(HttpMethod.PUT, "/api/operator/capacity", OPERATOR),
            rule(HttpMethod.GET, "/api/operator/integrity", OPERATOR, AUDITOR),
            rule(HttpMethod.GET, "/api/operator/dashboard", OPERATOR, AUDITOR),
            rule(HttpMethod.GET, "/api/operator/alerts", OPERATOR, AUDITOR),
            rule(HttpMethod.GET, "/api/operator/audit", OPERATOR, AUDITOR),
            rule(HttpMethod.GET, "/api/operator/audit.csv", OPERATOR, AUDITOR),
            rule(HttpMethod.GET, "/api/operator/audit/verify", OPERATOR, AUDITOR),
            rule(HttpMethod.GET, "/api/operator/dashboard/stream", OPERATOR, AUDITOR),
            rule(HttpMethod.GET, "/api/operator/staff", OPERATOR, AUDITOR),
            rule(HttpMethod.POST, "/api/operator/staff", OPERATOR),
            rule(HttpMethod.PATCH, "/api/operator/staff/:login", OPERATOR),
            rule(HttpMethod.POST, "/api/operator/staff/:login/disable", OPERATOR),
            rule(HttpMethod.POST, "/api/operator/staff/:login/enable", OPERATOR),
            rule(HttpMethod.POST, "/api/operator/staff/:login/password", OPERATOR),
            rule(HttpMethod.POST, "/api/operator/staff/:login/totp", OPERATOR),
            rule(HttpMethod.POST, "/api/operator/messages/preview", OPERATOR),
            rule(HttpMethod.POST, "/api/operator/messages", OPERATOR),
            rule(HttpMethod.POST, "/api/operator/agent/residents/lookup", AGENT, OPERATOR),
            rule(HttpMethod.POST, "/api/operator/agent/challenges", AGENT, OPERATOR),
            rule(HttpMethod.POST, "/api/operator/agent/challenges/:id/verify", AGENT, OPERATOR),
            rule(HttpMethod.GET, "/api/operator/agent/session", AGENT, OPERATOR),
            rule(HttpMethod.DELETE, "/api/operator/agent/session", AGENT, OPERATOR),
            rule(HttpMethod.GET, "/api/operator/agent/clinics", AGENT, OPERATOR),
            rule(HttpMethod.POST, "/api/operator/agent/gate/join", AGENT, OPERATOR),
            rule(HttpMethod.POST, "/api/operator/agent/reservations", AGENT, OPERATOR),
            rule(HttpMethod.PUT, "/api/operator/agent/reservations", AGENT, OPERATOR),
            rule(HttpMethod.PUT, "/api/operator/agent/reservations/dose2", AGENT, OPERATOR),
            rule(HttpMethod.DELETE, "/api/operator/agent/reservations", AGENT, OPERATOR),
            inPath(HttpMethod.GET, "/api/operator/clinics/:clinicId/leftovers", OPERATOR, AUDITOR, CLINIC),
            inPath(HttpMethod.POST, "/api/operator/clinics/:clinicId/leftovers", OPERATOR, CLINIC),
            rule(HttpMethod.GET, "/api/operator/leftovers/cohorts", OPERATOR, AUDITOR),
            rule(HttpMethod.PUT, "/api/operator/leftovers/cohorts", OPERATOR),
            rule(HttpMethod.DELETE, "/api/operator/leftovers/cohorts", OPERATOR),
            inPath(HttpMethod.GET, "/api/operator/clinics/:clinicId", OPERATOR, AUDITOR, CLINIC),
            inPath(HttpMethod.GET, "/api/operator/clinics/:clinicId/day", OPERATOR, AUDITOR, CLINIC),
            inPath(HttpMethod.POST, "/api/operator/clinics/:clinicId/check-in", OPERATOR, CLINIC),
            inPath(HttpMethod.POST, "/api/operator/clinics/:clinicId/doses", OPERATOR, CLINIC),
            inPath(HttpMethod.POST, "/api/operator/clinics/:clinicId/no-show", OPERATOR, CLINIC),
            inPath(HttpMethod.PUT, "/api/operator/clinics/:clinicId/capacity", OPERATOR, CLINIC),
            inPath(HttpMethod.POST, "/api/operator/clinics/:clinicId/days/:date/close", OPERATOR, CLINIC),
            new Rule(HttpMethod.GET, FhirRoutes.APPOINTMENTS, EnumSet.of(OPERATOR, AUDITOR, CLINIC), Scope.LOCATION_IN_QUERY,
                    pattern(FhirRoutes.APPOINTMENTS)),
            new Rule(HttpMethod.GET, FhirRoutes.IMMUNIZATIONS, EnumSet.of(OPERATOR, AUDITOR, CLINIC), Scope.LOCATION_IN_QUERY,
                    pattern(FhirRoutes.IMMUNIZATIONS)));

    private AccessRules() {
    }

    private static Rule rule(HttpMethod method, String route, Role first, Role... more) {
        return new Rule(method, route, EnumSet.of(first, more), Scope.ANY, pattern(route));
    }

    private static Rule inPath(HttpMethod method, String route, Role first, Role... more) {
        return new Rule(method, route, EnumSet.of(first, more), Scope.CLINIC_IN_PATH, pattern(route));
    }

    private static Pattern pattern(String route) {
        // ':name' is one path segment, as the router reads it; a trailing slash is the same route.
        return Pattern.compile(Pattern.quote(route).replaceAll(":[a-zA-Z]+", "\\\\E[^/]+\\\\Q") + "/?");
    }

    static Optional<Rule> find(HttpMethod method, String path) {
        HttpMethod m = method == HttpMethod.HEAD ? HttpMethod.GET : method;
        return TABLE.stream().filter(r -> r.method().equals(m) && r.pattern().matcher(path).matches()).findFirst();
    }

    static Decision decide(HttpMethod method, String path, Role role, Set<Long> clinics, MultiMap query) {
        Optional<Rule> found = find(method, path);
        if (found.isEmpty()) {
            return Decision.NO_RULE;
        }
        Rule rule = found.get();
        if (!rule.roles().contains(role)) {
            return Decision.ROLE_NOT_ALLOWED;
        }
        if (role == CLINIC && rule.scope() == Scope.CLINIC_IN_QUERY && !ownClinic(clinics, query.getAll("clinicId"))) {
            return Decision.ROLE_NOT_ALLOWED;
        }
        if (role == CLINIC && rule.scope() == Scope.LOCATION_IN_QUERY
                && !ownClinic(clinics, query.getAll("location").stream().map(l -> l.startsWith("Location/") ? l.substring("Location/".length()) : l).toList())) {
            return Decision.ROLE_NOT_ALLOWED;
        }
        if (role == CLINIC && rule.scope() == Scope.CLINIC_IN_PATH && !ownClinic(clinics, clinicInPath(rule.route(), path))) {
            return Decision.ROLE_NOT_ALLOWED;
        }
        return Decision.ALLOWED;
    }

    private static boolean ownClinic(Set<Long> clinics, List<String> asked) {
        if (asked.size() != 1) {
            return false;
        }
        try {
            return clinics.contains(Long.parseLong(asked.getFirst()));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The path segment where the route has {@code :clinicId} (none when it has not, or the path is shorter). */
    private static List<String> clinicInPath(String route, String path) {
        String[] r = route.split("/");
        String[] p = path.split("/");
        for (int i = 0; i < r.length && i < p.length; i++) {
            if (r[i].equals(":clinicId")) {
                return List.of(p[i]);
            }
        }
        return List.of();
    }

    /** The routes among {@code routes} ("METHOD /path" under /api/operator/) that no rule covers. */
    static List<String> uncovered(List<String> routes) {
        List<String> missing = new ArrayList<>();
        for (String r : routes) {
            int space = r.indexOf(' ');
            HttpMethod method = HttpMethod.valueOf(r.substring(0, space));
            String route = r.substring(space + 1);
            if (TABLE.stream().noneMatch(rule -> rule.method().equals(method) && rule.route().equals(route))) {
                missing.add(r);
            }
        }
        return missing;
    }
}
