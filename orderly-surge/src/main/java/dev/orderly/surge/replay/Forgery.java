package dev.orderly.surge.replay;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The tokens a cheater makes up; every one of them must be refused by the server. */
final class Forgery {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private Forgery() {
    }

    /** {@code ticket} with the last character of its signature changed: a bad signature. */
    static String tamperedTicket(String ticket) {
        char last = ticket.charAt(ticket.length() - 1);
        return ticket.substring(0, ticket.length() - 1) + (last == 'A' ? 'B' : 'A');
    }

    /** An unsigned JWT ({@code alg: none}) claiming an early place in {@code gate} for this browser. */
    static String unsignedPass(String gate, String browserId, long nowSeconds) {
        String header = B64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        return header + "." + claims(gate, browserId, nowSeconds) + ".";
    }

    /** An ES256 JWT with a signature of random bytes, claiming an early place for this browser. */
    static String badlySignedPass(String gate, String browserId, long nowSeconds, java.util.Random random) {
        String header = B64.encodeToString("{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"k1\"}".getBytes(StandardCharsets.UTF_8));
        byte[] signature = new byte[64];
        random.nextBytes(signature);
        return header + "." + claims(gate, browserId, nowSeconds) + "." + B64.encodeToString(signature);
    }

    private static String claims(String gate, String browserId, long nowSeconds) {
        String json = "{\"iss\":\"orderly\",\"aud\":\"" + gate + "\",\"bid\":\"" + browserId + "\",\"rank\":1,\"iat\":"
                + nowSeconds + ",\"exp\":" + (nowSeconds + 86_400) + "}";
        return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
