package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.identity.FakeCertificateProvider;
import dev.orderly.identity.IdentityProviders;
import dev.orderly.server.demo.DemoData;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A second identity provider plugged in the way a real one would be (here a test double of a
 * certificate), with a gate and capacity of its own: people choosing it queue in its line, its
 * pass opens it and nothing else, and its verification ends in the same kind of session.
 */
// The listing runs first: a gate's admitPerSecond is its nominal rate only until admissions are measured.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IdentityProviderPluginHttpIT {

    private static OrderlyApp app;
    private static List<DemoData.Resident> residents;

    @BeforeAll
    static void start() {
        IdentityMethodFactory certificate = (registry, clock) -> new IdentityProviders.Method(
                new FakeCertificateProvider(registry, clock, new SplittableRandom(4)), "identity-certificate", 500);
        app = OrderlyApp.start(TestApp.settings(Map.of()), Clock.systemUTC(), List.of(certificate));
        residents = TestResidents.of(TestApp.settings(Map.of()));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    @Order(1)
    void thePluggedInProviderIsListedWithItsOwnGateAndCapacity() {
        JsonArray providers = new ApiClient(app.port()).get("/api/identity/providers").array();

        assertThat(providers.stream().map(p -> ((JsonObject) p).getString("name"))).containsExactly("sms", "certificate");
        JsonObject cert = providers.getJsonObject(1);
        assertThat(cert.getString("gate")).isEqualTo("identity-certificate");
        assertThat(cert.getDouble("admitPerSecond")).isEqualTo(500.0);
        assertThat(cert.getJsonArray("claims")).isEmpty();
        assertThat(cert.getBoolean("primary")).isFalse();
        assertThat(new ApiClient(app.port()).get("/api/gates/identity-certificate").json().getDouble("admitPerSecond")).isEqualTo(500.0);
    }

    @Test
    void aPersonVerifiesThroughThePluggedInProviderAndGetsASession() {
        DemoData.Resident r = residents.get(7);
        ApiClient browser = new ApiClient(app.port());
        browser.waitForPass("identity-certificate", Duration.ofSeconds(20), () -> { });

        ApiClient.Answer started = browser.post("/api/identity/providers/certificate/challenges", new JsonObject());
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        String id = started.json().getString("challengeId");
        assertThat(started.json().getString("redirectTo")).contains(id);

        ApiClient.Answer verified = browser.post("/api/identity/providers/certificate/challenges/" + id + "/verify",
                new JsonObject().put("response", FakeCertificateProvider.signedResponse(id, r.residentNumber())));

        assertThat(verified.status()).as(verified.body()).isEqualTo(200);
        assertThat(browser.get("/api/me").json().getString("name")).isEqualTo(r.name());
    }

    @Test
    void eachProvidersPassOpensThatProviderOnly() {
        ApiClient smsOnly = new ApiClient(app.port());
        smsOnly.waitForIdentityPass(Duration.ofSeconds(20));

        ApiClient.Answer refused = smsOnly.post("/api/identity/providers/certificate/challenges", new JsonObject());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().getString("type")).isEqualTo("/problems/no-pass");
        assertThat(refused.json().getString("gate")).isEqualTo("identity-certificate");

        ApiClient certOnly = new ApiClient(app.port());
        certOnly.waitForPass("identity-certificate", Duration.ofSeconds(20), () -> { });
        assertThat(certOnly.post("/api/identity/challenges", TestResidents.claimOf(residents.get(8))).status()).isEqualTo(403);
    }

    @Test
    void aForgedResponseIsAWrongCodeAndAnUnknownProviderIsNotFound() {
        ApiClient browser = new ApiClient(app.port());
        browser.waitForPass("identity-certificate", Duration.ofSeconds(20), () -> { });
        String id = browser.post("/api/identity/providers/certificate/challenges", new JsonObject()).json().getString("challengeId");

        ApiClient.Answer forged = browser.post("/api/identity/providers/certificate/challenges/" + id + "/verify",
                new JsonObject().put("response", FakeCertificateProvider.signedResponse("someone-elses-challenge", residents.get(9).residentNumber())));

        assertThat(forged.status()).isEqualTo(422);
        assertThat(forged.json().getString("type")).isEqualTo("/problems/wrong-code");
        assertThat(browser.get("/api/me").status()).isEqualTo(401);
        assertThat(browser.post("/api/identity/providers/kakao/challenges", new JsonObject()).json().getString("type"))
                .isEqualTo("/problems/unknown-provider");
    }
}
