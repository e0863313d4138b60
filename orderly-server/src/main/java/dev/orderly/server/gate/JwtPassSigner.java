package dev.orderly.server.gate;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.orderly.gate.Pass;
import dev.orderly.gate.PassSigner;
import java.text.ParseException;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Passes as standard JWTs signed with ES256 (ECDSA P-256), so any backend can verify them with
 * the public keys this server publishes as a JWKS document at {@code /.well-known/jwks.json}.
 *
 * <p>Claims: {@code iss} orderly, {@code aud} the gate, {@code jti} gate:rank, {@code iat},
 * {@code exp}, {@code bid} the browser id it is bound to, {@code rank}, and {@code sub} the holder
 * on keyed gates. Verification accepts only ES256 with a key id this server holds (so
 * {@code alg: none}, HMAC-with-the-public-key and foreign keys all fail); expiry, audience and
 * browser are checked by the waiting room against the server's clock.
 *
 * <p>Keys rotate: the first key in the set signs, every key verifies.
 */
public final class JwtPassSigner implements PassSigner {

    private static final String ISSUER = "orderly";

    private final JWKSet keys;
    private final ECKey signingKey;
    private final JWSSigner signer;
    private final Map<String, JWSVerifier> verifiers = new LinkedHashMap<>();
    // ECDSA verification costs far more than the rest of a request, and a pass is presented several
    // times (each step, each retry). A token that verified once always verifies to the same pass
    // while this signer lives, so remember it; emptied when full rather than evicting one by one.
    private final Map<String, Pass> verified = new ConcurrentHashMap<>();
    private static final int REMEMBER = 100_000;

    public JwtPassSigner(JWKSet keys) {
        if (keys.getKeys().isEmpty()) {
            throw new IllegalArgumentException("the pass key set is empty");
        }
        this.keys = keys;
        try {
            for (JWK k : keys.getKeys()) {
                if (!(k instanceof ECKey ec) || !Curve.P_256.equals(ec.getCurve()) || ec.getKeyID() == null) {
                    throw new IllegalArgumentException("pass keys must be EC P-256 keys with a key id; got " + k.getKeyType()
                            + " '" + k.getKeyID() + "'");
                }
                verifiers.put(ec.getKeyID(), new ECDSAVerifier(ec.toPublicJWK()));
            }
            this.signingKey = (ECKey) keys.getKeys().getFirst();
            if (!signingKey.isPrivate()) {
                throw new IllegalArgumentException("the first pass key '" + signingKey.getKeyID() + "' has no private part to sign with");
            }
            this.signer = new ECDSASigner(signingKey);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable pass key: " + e.getMessage(), e);
        }
    }

    /** A key set with one new P-256 key: for demo runs (saved in the data folder) and tests. */
    public static JWKSet generateKeys() {
        try {
            return new JWKSet(new ECKeyGenerator(Curve.P_256).keyID("p-" + UUID.randomUUID().toString().substring(0, 8))
                    .keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256).generate());
        } catch (JOSEException e) {
            throw new IllegalStateException("could not generate an EC P-256 key", e);
        }
    }

    /** Parses a JWK set (JSON) with private keys; the first key signs. */
    public static JWKSet parseKeys(String json, String source) {
        try {
            return JWKSet.parse(json);
        } catch (ParseException e) {
            throw new IllegalArgumentException(source + " is not a JWK set: " + e.getMessage(), e);
        }
    }

    /** The public keys, as the JWKS document to publish. */
    public String publicJwks() {
        return keys.toPublicJWKSet().toString();
    }

    @Override
    public String sign(Pass pass) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(pass.gate())
                .jwtID(pass.gate() + ":" + pass.rank())
                .issueTime(Date.from(pass.issuedAt()))
                .expirationTime(Date.from(pass.expiresAt()))
                .claim("bid", pass.browserId())
                .claim("rank", pass.rank());
        if (!pass.holder().isEmpty()) {
            claims.subject(pass.holder());
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(signingKey.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("could not sign a pass", e);
        }
        String token = jwt.serialize();
        // The holder presents it at the next step, most often to this node: a pass this signer just made
        // verifies to exactly this pass, so its first check needs no ECDSA verification (about three
        // signings' worth of CPU). The claims are stored as a verification would read them back.
        // (JWT times are whole seconds.)
        remember(token, new Pass(pass.gate(), pass.rank(), pass.browserId(), pass.holder(),
                pass.issuedAt().truncatedTo(ChronoUnit.SECONDS), pass.expiresAt().truncatedTo(ChronoUnit.SECONDS)));
        return token;
    }

    private void remember(String token, Pass pass) {
        if (verified.size() >= REMEMBER) {
            verified.clear();
        }
        verified.put(token, pass);
    }

    @Override
    public Optional<Pass> verify(String token) {
        if (token == null || token.length() > 4096) {
            return Optional.empty();
        }
        Pass known = verified.get(token);
        if (known != null) {
            return Optional.of(known);
        }
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            JWSHeader header = jwt.getHeader();
            if (!JWSAlgorithm.ES256.equals(header.getAlgorithm()) || header.getKeyID() == null) {
                return Optional.empty();
            }
            JWSVerifier verifier = verifiers.get(header.getKeyID());
            if (verifier == null || !jwt.verify(verifier)) {
                return Optional.empty();
            }
            JWTClaimsSet c = jwt.getJWTClaimsSet();
            List<String> audience = c.getAudience();
            Object rank = c.getClaim("rank");
            String bid = c.getStringClaim("bid");
            if (!ISSUER.equals(c.getIssuer()) || audience == null || audience.size() != 1 || !(rank instanceof Number)
                    || bid == null || c.getIssueTime() == null || c.getExpirationTime() == null) {
                return Optional.empty();
            }
            Pass pass = new Pass(audience.getFirst(), ((Number) rank).longValue(), bid, c.getSubject(),
                    c.getIssueTime().toInstant(), c.getExpirationTime().toInstant());
            remember(token, pass);
            return Optional.of(pass);
        } catch (ParseException | JOSEException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
