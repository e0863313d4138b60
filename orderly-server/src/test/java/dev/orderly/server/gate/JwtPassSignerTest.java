package dev.orderly.server.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.orderly.gate.Pass;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.junit.jupiter.api.Test;

class JwtPassSignerTest {

    private final JWKSet keys = JwtPassSigner.generateKeys();
    private final JwtPassSigner signer = new JwtPassSigner(keys);
    private final Pass pass = new Pass("booking", 42, "browser-id-0123456789", "person:7",
            Instant.parse("2021-07-26T11:00:00Z"), Instant.parse("2021-07-26T11:10:00Z"));

    @Test
    void aSignedPassVerifiesToTheSamePass() {
        assertThat(signer.verify(signer.sign(pass))).contains(pass);
    }

    @Test
    void aPassRememberedAtSigningReadsAsAnotherNodeVerifiesIt() {
        // Sub-second times and an empty holder: what the signing node remembers must equal what a node
        // that only verifies the token reads from it (JWT times are whole seconds).
        for (Pass p : new Pass[] {pass, new Pass("identity", 3, "browser-id-0123456789", "",
                Instant.parse("2021-07-26T11:00:00.734Z"), Instant.parse("2021-07-26T11:10:00.999Z"))}) {
            String token = signer.sign(p);
            assertThat(signer.verify(token)).isEqualTo(new JwtPassSigner(keys).verify(token)).isPresent();
        }
    }

    @Test
    void aTamperedCopyOfARememberedPassIsStillRefused() throws Exception {
        String token = signer.sign(pass);
        String[] parts = token.split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("42", "1");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(claims.getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
        assertThat(signer.verify(tampered)).isEmpty();
    }

    @Test
    void thePassIsAStandardEs256JwtWithTheGateAsAudience() throws Exception {
        SignedJWT jwt = SignedJWT.parse(signer.sign(pass));
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(keys.getKeys().getFirst().getKeyID());
        assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("booking");
        assertThat(jwt.getJWTClaimsSet().getJWTID()).isEqualTo("booking:42");
        assertThat(jwt.getJWTClaimsSet().getStringClaim("bid")).isEqualTo("browser-id-0123456789");
    }

    @Test
    void aPassSignedByAnotherKeyIsRefused() {
        JwtPassSigner stranger = new JwtPassSigner(JwtPassSigner.generateKeys());
        assertThat(signer.verify(stranger.sign(pass))).isEmpty();
    }

    @Test
    void anUnsignedPassWithAlgNoneIsRefused() {
        String none = new PlainJWT(claims()).serialize();
        assertThat(signer.verify(none)).isEmpty();
        // The same, dressed with our key id and a dangling signature part.
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"alg\":\"none\",\"kid\":\"" + keys.getKeys().getFirst().getKeyID() + "\"}").getBytes(StandardCharsets.UTF_8));
        String[] parts = none.split("\\.");
        assertThat(signer.verify(header + "." + parts[1] + ".")).isEmpty();
    }

    @Test
    void aPassMacedWithThePublicKeyIsRefused() throws Exception {
        // The classic confusion attack: HS256 keyed with the published public key.
        byte[] publicKey = keys.toPublicJWKSet().toString().getBytes(StandardCharsets.UTF_8);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(keys.getKeys().getFirst().getKeyID())
                .type(JOSEObjectType.JWT).build(), claims());
        jwt.sign(new MACSigner(publicKey));
        assertThat(signer.verify(jwt.serialize())).isEmpty();
    }

    @Test
    void aTamperedPassIsRefused() throws Exception {
        String token = signer.sign(pass);
        String[] parts = token.split("\\.");
        String otherClaims = Base64.getUrlEncoder().withoutPadding().encodeToString(
                claims().toString().getBytes(StandardCharsets.UTF_8));
        assertThat(signer.verify(parts[0] + "." + otherClaims + "." + parts[2])).isEmpty();
        assertThat(signer.verify(token.substring(0, token.length() - 3) + "AAA")).isEmpty();
        assertThat(signer.verify("garbage")).isEmpty();
        assertThat(signer.verify("")).isEmpty();
        assertThat(signer.verify(null)).isEmpty();
    }

    @Test
    void aPassSignedWithARotatedOutKeyStillVerifiesWhileTheKeyIsListed() throws Exception {
        JWKSet old = JwtPassSigner.generateKeys();
        String issuedBefore = new JwtPassSigner(old).sign(pass);
        JWKSet rotated = new JWKSet(java.util.List.of(keys.getKeys().getFirst(), old.getKeys().getFirst()));
        assertThat(new JwtPassSigner(rotated).verify(issuedBefore)).contains(pass);
        // A correctly signed token without our claims is not a pass.
        SignedJWT foreign = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(keys.getKeys().getFirst().getKeyID()).build(),
                new JWTClaimsSet.Builder().subject("x").build());
        foreign.sign(new ECDSASigner((ECKey) keys.getKeys().getFirst()));
        assertThat(signer.verify(foreign.serialize())).isEmpty();
    }

    @Test
    void theJwksDocumentHoldsPublicKeysOnly() {
        String jwks = signer.publicJwks();
        assertThat(jwks).contains("\"kty\":\"EC\"").contains("\"crv\":\"P-256\"").doesNotContain("\"d\"");
    }

    private JWTClaimsSet claims() {
        return new JWTClaimsSet.Builder().issuer("orderly").audience("booking").jwtID("booking:1").claim("bid", "browser-id-0123456789")
                .claim("rank", 1).issueTime(new Date()).expirationTime(new Date(System.currentTimeMillis() + 600_000)).build();
    }
}
