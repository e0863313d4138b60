package dev.orderly.token;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and verifies compact tokens {@code keyId.payload.mac} with HMAC-SHA256.
 *
 * <p>The payload is opaque text chosen by the caller; it travels base64url-encoded. Verification
 * recomputes the MAC with the key named in the token and compares in constant time, so a token
 * verifies only if it was signed by this server with a key it still holds. A {@code purpose}
 * string is mixed into the MAC, so a ticket can never be presented as a session or a pass.
 */
public final class HmacTokenSigner {

    private static final String ALGORITHM = "HmacSHA256";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final int MAX_TOKEN_LENGTH = 2048;

    private final SigningKeys keys;
    private final String purpose;
    private final ThreadLocal<Mac> currentMac;

    public HmacTokenSigner(SigningKeys keys, String purpose) {
        this.keys = keys;
        this.purpose = purpose;
        this.currentMac = ThreadLocal.withInitial(() -> mac(keys.current()));
    }

    /** A token carrying {@code payload}, signed with the current key. */
    public String sign(String payload) {
        String body = ENCODER.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        String signed = keys.currentKeyId() + "." + body;
        String token = signed + "." + ENCODER.encodeToString(macOf(currentMac.get(), signed));
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new IllegalArgumentException("payload too long: the token would have " + token.length()
                    + " characters, verify accepts at most " + MAX_TOKEN_LENGTH);
        }
        return token;
    }

    /** The payload of a token this server signed, or empty for anything else. */
    public Optional<String> verify(String token) {
        if (token == null || token.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        int firstDot = token.indexOf('.');
        int lastDot = token.lastIndexOf('.');
        if (firstDot <= 0 || lastDot == firstDot) {
            return Optional.empty();
        }
        String keyId = token.substring(0, firstDot);
        Optional<byte[]> secret = keys.byId(keyId);
        if (secret.isEmpty()) {
            return Optional.empty();
        }
        try {
            String signed = token.substring(0, lastDot);
            Mac mac = keyId.equals(keys.currentKeyId()) ? currentMac.get() : mac(secret.get());
            // Compare the encoded form, not the decoded bytes: the decoder ignores trailing bits and
            // padding, so several strings decode to one MAC and a token could be varied without the key.
            byte[] presented = token.substring(lastDot + 1).getBytes(StandardCharsets.US_ASCII);
            byte[] expected = ENCODER.encodeToString(macOf(mac, signed)).getBytes(StandardCharsets.US_ASCII);
            if (!MessageDigest.isEqual(presented, expected)) {
                return Optional.empty();
            }
            return Optional.of(new String(DECODER.decode(token.substring(firstDot + 1, lastDot)), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
    }

    private byte[] macOf(Mac mac, String signed) {
        mac.update(purpose.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        return mac.doFinal(signed.getBytes(StandardCharsets.US_ASCII));
    }

    private static Mac mac(byte[] secret) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret, ALGORITHM));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + ALGORITHM, e);
        }
    }
}
