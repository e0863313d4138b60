package dev.orderly.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.orderly.staff.Role;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The role table, operation by operation, as openapi.yaml lists them: each role × each staff
 * operation is allowed or refused as the roles are meant. An operation added to the API without a
 * rule fails here (and a route mounted without one stops the server at start).
 */
public class AccessRulesTest {

    /** Every staff operation in openapi.yaml (under /api/operator/, and FHIR's guarded reads), as "METHOD /route/:param". */
    public static List<String> staffOperations() {
        try (InputStream in = AccessRulesTest.class.getClassLoader().getResourceAsStream("api/openapi.yaml")) {
            JsonNode spec = new ObjectMapper(new YAMLFactory()).readTree(in);
            List<String> operations = new ArrayList<>();
            for (Map.Entry<String, JsonNode> path : spec.get("paths").properties()) {
                boolean guardedFhir = path.getKey().startsWith("/fhir/") && path.getValue().path("get").has("security");
                if (!path.getKey().startsWith("/api/operator/") && !guardedFhir) {
                    continue;
                }
                for (String method : List.of("get", "put", "post", "patch", "delete")) {
                    if (path.getValue().has(method)) {
                        operations.add(method.toUpperCase() + " " + path.getKey().replaceAll("\\{([a-zA-Z]+)}", ":$1"));
                    }
                }
            }
            return operations;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** What each role is meant to do, said independently of the table. */
    public static boolean meantToBeAllowed(Role role, String operation) {
        boolean read = operation.startsWith("GET ");
        boolean callCentre = operation.contains(" /api/operator/agent/");
        return switch (role) {
            case OPERATOR -> true;
            // Reading a caller's state is acting for them (it needs their code): the call centre's alone.
            case AUDITOR -> read && !callCentre;
            case AGENT -> callCentre || Set.of("GET /api/operator/gates", "GET /api/operator/gates/:gate", "GET /api/operator/cohorts").contains(operation);
            case CLINIC -> Set.of("GET /api/operator/cohorts", "GET /api/operator/capacity").contains(operation)
                    || operation.contains(" /api/operator/clinics/:clinicId") || operation.startsWith("GET /fhir/");
        };
    }

    private static AccessRules.Decision decide(String operation, Role role, Set<Long> clinics, MultiMap query) {
        String[] parts = operation.split(" ", 2);
        // A clinic in the path is clinic 7, the clinic account's own in these tests.
        String path = parts[1].replace(":clinicId", "7").replaceAll(":[a-zA-Z]+", "x-1");
        return AccessRules.decide(HttpMethod.valueOf(parts[0]), path, role, clinics, query);
    }

    @Test
    void everyStaffOperationOfTheApiHasARuleAndEveryRuleAnOperation() {
        List<String> operations = staffOperations();
        List<String> rules = AccessRules.TABLE.stream().map(r -> r.method().name() + " " + r.route()).toList();

        assertThat(operations).hasSizeGreaterThanOrEqualTo(23);
        assertThat(AccessRules.uncovered(operations)).as("operations without a rule").isEmpty();
        assertThat(rules).as("rules without an operation in openapi.yaml").containsExactlyInAnyOrderElementsOf(operations);
    }

    @Test
    void eachRoleIsAllowedExactlyWhatItIsMeantToDo() {
        MultiMap ownClinic = MultiMap.caseInsensitiveMultiMap().add("clinicId", "7").add("location", "7");
        List<String> wrong = new ArrayList<>();
        for (String operation : staffOperations()) {
            for (Role role : Role.values()) {
                AccessRules.Decision d = decide(operation, role, role == Role.CLINIC ? Set.of(7L) : Set.of(), ownClinic);
                AccessRules.Decision expected = meantToBeAllowed(role, operation) ? AccessRules.Decision.ALLOWED
                        : AccessRules.Decision.ROLE_NOT_ALLOWED;
                if (d != expected) {
                    wrong.add(role.slug() + " × " + operation + ": " + d + ", meant " + expected);
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void aClinicAccountReadsTheCapacityOfItsOwnClinicsOnly() {
        Set<Long> mine = Set.of(7L, 9L);

        assertThat(AccessRules.decide(HttpMethod.GET, "/api/operator/capacity", Role.CLINIC, mine,
                MultiMap.caseInsensitiveMultiMap().add("clinicId", "9"))).isEqualTo(AccessRules.Decision.ALLOWED);
        for (MultiMap query : List.of(MultiMap.caseInsensitiveMultiMap().add("clinicId", "8"), MultiMap.caseInsensitiveMultiMap(),
                MultiMap.caseInsensitiveMultiMap().add("clinicId", "7").add("clinicId", "8"),
                MultiMap.caseInsensitiveMultiMap().add("clinicId", "seven"))) {
            assertThat(AccessRules.decide(HttpMethod.GET, "/api/operator/capacity", Role.CLINIC, mine, query)).as("%s", query)
                    .isEqualTo(AccessRules.Decision.ROLE_NOT_ALLOWED);
        }
        assertThat(AccessRules.decide(HttpMethod.GET, "/api/operator/capacity", Role.AUDITOR, Set.of(),
                MultiMap.caseInsensitiveMultiMap().add("clinicId", "8"))).isEqualTo(AccessRules.Decision.ALLOWED);
    }

    @Test
    void aClinicAccountReleasesLeftoversOfItsOwnClinicsOnlyByThePath() {
        Set<Long> mine = Set.of(7L, 9L);
        MultiMap none = MultiMap.caseInsensitiveMultiMap();
        for (HttpMethod m : List.of(HttpMethod.GET, HttpMethod.POST)) {
            assertThat(AccessRules.decide(m, "/api/operator/clinics/9/leftovers", Role.CLINIC, mine, none)).isEqualTo(AccessRules.Decision.ALLOWED);
            for (String other : List.of("8", "seven", "07x")) {
                assertThat(AccessRules.decide(m, "/api/operator/clinics/" + other + "/leftovers", Role.CLINIC, mine,
                        MultiMap.caseInsensitiveMultiMap().add("clinicId", "9"))).as("%s %s", m, other)
                        .isEqualTo(AccessRules.Decision.ROLE_NOT_ALLOWED);
            }
            assertThat(AccessRules.decide(m, "/api/operator/clinics/8/leftovers", Role.OPERATOR, Set.of(), none))
                    .isEqualTo(AccessRules.Decision.ALLOWED);
        }
    }

    @Test
    void aClinicAccountReadsFhirOfItsOwnClinicsOnlyByTheLocation() {
        Set<Long> mine = Set.of(9L);
        for (String path : List.of("/fhir/Appointment", "/fhir/Immunization")) {
            for (String own : List.of("9", "Location/9")) {
                assertThat(AccessRules.decide(HttpMethod.GET, path, Role.CLINIC, mine, MultiMap.caseInsensitiveMultiMap().add("location", own)))
                        .as("%s %s", path, own).isEqualTo(AccessRules.Decision.ALLOWED);
            }
            for (MultiMap query : List.of(MultiMap.caseInsensitiveMultiMap().add("location", "8"),
                    MultiMap.caseInsensitiveMultiMap().add("location", "Location/8"), MultiMap.caseInsensitiveMultiMap(),
                    MultiMap.caseInsensitiveMultiMap().add("location", "9").add("location", "8"),
                    MultiMap.caseInsensitiveMultiMap().add("clinicId", "9"))) {
                assertThat(AccessRules.decide(HttpMethod.GET, path, Role.CLINIC, mine, query)).as("%s %s", path, query)
                        .isEqualTo(AccessRules.Decision.ROLE_NOT_ALLOWED);
            }
            assertThat(AccessRules.decide(HttpMethod.GET, path, Role.AUDITOR, Set.of(), MultiMap.caseInsensitiveMultiMap().add("location", "8")))
                    .isEqualTo(AccessRules.Decision.ALLOWED);
            assertThat(AccessRules.decide(HttpMethod.GET, path, Role.AGENT, Set.of(), MultiMap.caseInsensitiveMultiMap().add("location", "8")))
                    .isEqualTo(AccessRules.Decision.ROLE_NOT_ALLOWED);
        }
    }

    @Test
    void aClinicAccountWorksTheDeskOfItsOwnClinicsOnly() {
        Set<Long> mine = Set.of(7L, 9L);
        MultiMap none = MultiMap.caseInsensitiveMultiMap();

        assertThat(AccessRules.decide(HttpMethod.POST, "/api/operator/clinics/9/check-in", Role.CLINIC, mine, none))
                .isEqualTo(AccessRules.Decision.ALLOWED);
        assertThat(AccessRules.decide(HttpMethod.POST, "/api/operator/clinics/9/days/2021-08-16/close", Role.CLINIC, mine, none))
                .isEqualTo(AccessRules.Decision.ALLOWED);
        for (String path : List.of("/api/operator/clinics/8/day", "/api/operator/clinics/seven/day", "/api/operator/clinics/8",
                "/api/operator/clinics/8/days/2021-08-16/close")) {
            HttpMethod m = path.endsWith("close") ? HttpMethod.POST : HttpMethod.GET;
            assertThat(AccessRules.decide(m, path, Role.CLINIC, mine, MultiMap.caseInsensitiveMultiMap().add("clinicId", "7"))).as(path)
                    .isEqualTo(AccessRules.Decision.ROLE_NOT_ALLOWED);
        }
        assertThat(AccessRules.decide(HttpMethod.GET, "/api/operator/clinics/8/day", Role.AUDITOR, Set.of(), none))
                .isEqualTo(AccessRules.Decision.ALLOWED);
        assertThat(AccessRules.decide(HttpMethod.POST, "/api/operator/clinics/8/doses", Role.AUDITOR, Set.of(), none))
                .isEqualTo(AccessRules.Decision.ROLE_NOT_ALLOWED);
        assertThat(AccessRules.decide(HttpMethod.POST, "/api/operator/clinics/8/doses", Role.AGENT, Set.of(), none))
                .isEqualTo(AccessRules.Decision.ROLE_NOT_ALLOWED);
    }

    @Test
    void whatNoRuleNamesIsNeverAllowed() {
        for (Role role : Role.values()) {
            assertThat(AccessRules.decide(HttpMethod.GET, "/api/operator/secrets", role, Set.of(), MultiMap.caseInsensitiveMultiMap()))
                    .isEqualTo(AccessRules.Decision.NO_RULE);
            assertThat(AccessRules.decide(HttpMethod.PATCH, "/api/operator/gates", role, Set.of(), MultiMap.caseInsensitiveMultiMap()))
                    .isEqualTo(AccessRules.Decision.NO_RULE);
            assertThat(AccessRules.decide(HttpMethod.GET, "/api/operator/gates/a/b", role, Set.of(), MultiMap.caseInsensitiveMultiMap()))
                    .isEqualTo(AccessRules.Decision.NO_RULE);
        }
        assertThat(AccessRules.uncovered(List.of("POST /api/operator/new-thing", "GET /api/operator/gates")))
                .containsExactly("POST /api/operator/new-thing");
    }

    @Test
    void aRouteMountedWithoutARuleStopsTheServerFromStarting() {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            io.vertx.ext.web.Router router = io.vertx.ext.web.Router.router(vertx);
            router.route("/api/operator/*").handler(io.vertx.ext.web.RoutingContext::next);
            router.get("/api/operator/gates/:gate").handler(io.vertx.ext.web.RoutingContext::next);
            HttpApi.refuseRoutesWithoutAccessRule(router);

            router.post("/api/operator/gates/:gate/explode").handler(io.vertx.ext.web.RoutingContext::next);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> HttpApi.refuseRoutesWithoutAccessRule(router))
                    .hasMessageContaining("POST /api/operator/gates/:gate/explode");
        } finally {
            vertx.close();
        }
    }

    @Test
    void aHeadIsJudgedAsAGetAndATrailingSlashAsNone() {
        assertThat(AccessRules.decide(HttpMethod.HEAD, "/api/operator/staff", Role.AUDITOR, Set.of(), MultiMap.caseInsensitiveMultiMap()))
                .isEqualTo(AccessRules.Decision.ALLOWED);
        assertThat(AccessRules.decide(HttpMethod.POST, "/api/operator/gates/identity/pause/", Role.AUDITOR, Set.of(),
                MultiMap.caseInsensitiveMultiMap())).isEqualTo(AccessRules.Decision.ROLE_NOT_ALLOWED);
    }
}
