package dev.orderly.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orderly.privacy.KeyedHash;
import dev.orderly.registry.InMemoryResidentRegistry;
import dev.orderly.registry.Person;
import dev.orderly.time.MutableClock;
import dev.orderly.token.TestKeys;
import java.time.LocalDate;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The identity methods of a deployment, and the port itself shown with a test double of a
 * certificate-style provider: a provider that needs no claim, sends the browser away, and matches
 * by resident registration number.
 */
class IdentityProvidersTest {

    private final MutableClock clock = MutableClock.at("2021-08-09T11:00:00Z");
    private final InMemoryResidentRegistry registry = new InMemoryResidentRegistry()
            .add(new Person(17, "홍길동", LocalDate.of(1964, 5, 5), "01012345678"), "6405051234567");
    private final OneTimeCodeVerifier sms = new OneTimeCodeVerifier(registry, new InMemoryChallengeStore(clock),
            new InMemoryDailyQuota(), new RecordingSmsGateway(), new KeyedHash(TestKeys.secret(1), "t"), clock, new SplittableRandom(1),
            OneTimeCodeVerifier.Limits.DEFAULTS);
    private final FakeCertificateProvider certificate = new FakeCertificateProvider(registry, clock, new SplittableRandom(2));

    @Test
    void eachMethodHasItsOwnGateAndCapacityAndTheFirstIsPrimary() {
        IdentityProviders providers = new IdentityProviders(List.of(
                new IdentityProviders.Method(sms, "identity", 50), new IdentityProviders.Method(certificate, "identity-certificate", 5)));

        assertThat(providers.primary().name()).isEqualTo("sms");
        assertThat(providers.byName("certificate").orElseThrow().gate()).isEqualTo("identity-certificate");
        assertThat(providers.byName("certificate").orElseThrow().admitPerSecond()).isEqualTo(5);
        assertThat(providers.byName("kakao")).isEmpty();
        assertThat(providers.all()).extracting(IdentityProviders.Method::name).containsExactly("sms", "certificate");
    }

    @Test
    void methodsMayShareNeitherNameNorGate() {
        assertThatThrownBy(() -> new IdentityProviders(List.of(new IdentityProviders.Method(sms, "identity", 50),
                new IdentityProviders.Method(certificate, "identity", 5)))).hasMessageContaining("share gate 'identity'");
        assertThatThrownBy(() -> new IdentityProviders(List.of(new IdentityProviders.Method(sms, "a", 50),
                new IdentityProviders.Method(sms, "b", 5)))).hasMessageContaining("'sms'");
        assertThatThrownBy(() -> new IdentityProviders(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IdentityProviders.Method(sms, "Identity!", 5)).hasMessageContaining("Identity!");
        assertThatThrownBy(() -> new IdentityProviders.Method(sms, "identity", 0)).hasMessageContaining("positive");
    }

    @Test
    void aProviderThatNeedsNoClaimSendsTheBrowserAwayAndMatchesByResidentNumber() {
        Verification.Redirect redirect = (Verification.Redirect) certificate.start(Claim.none());
        assertThat(redirect.location().toString()).contains(redirect.challengeId());

        Verification.Checked checked = certificate.check(redirect.challengeId(),
                FakeCertificateProvider.signedResponse(redirect.challengeId(), "6405051234567"));

        assertThat(checked).isEqualTo(new Verification.Verified(registry.byId(17).orElseThrow()));
        assertThat(certificate.check(redirect.challengeId(), FakeCertificateProvider.signedResponse(redirect.challengeId(), "6405051234567")))
                .isEqualTo(new Verification.UnknownChallenge());
    }

    @Test
    void aForgedOrForeignCertificateAnswerIsRefused() {
        String id = ((Verification.Redirect) certificate.start(Claim.none())).challengeId();
        String other = ((Verification.Redirect) certificate.start(Claim.none())).challengeId();

        assertThat(certificate.check(id, FakeCertificateProvider.signedResponse(other, "6405051234567")))
                .isEqualTo(new Verification.WrongCode(2));
        assertThat(certificate.check(id, "garbage")).isEqualTo(new Verification.WrongCode(1));
        assertThat(certificate.check(id, null)).isEqualTo(new Verification.TooManyTries());
        assertThat(certificate.check(id, FakeCertificateProvider.signedResponse(id, "6405051234567")))
                .as("even a genuine answer, once the tries are used up").isEqualTo(new Verification.TooManyTries());
        assertThat(certificate.check(other, FakeCertificateProvider.signedResponse(other, "9001011234567")))
                .isEqualTo(new Verification.NoMatch());
    }
}
