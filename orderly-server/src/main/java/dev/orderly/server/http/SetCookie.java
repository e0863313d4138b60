package dev.orderly.server.http;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;

/**
 * The {@code Set-Cookie} header of one of our cookies, written directly.
 *
 * <p>Why not {@code response.addCookie}: Netty's general encoder validates every octet of name
 * and value and formats an {@code Expires} date for each cookie; on a join (browser id and ticket
 * cookies) that was the largest single cost after the socket write in a profile of the wrk run.
 * Our cookies hold tokens in base64url and a few fixed attributes, so the check is one pass over
 * the value and {@code Max-Age} alone says the lifetime (every current browser honours it).
 */
final class SetCookie {

    private SetCookie() {
    }

    static String header(Cookie c) {
        String name = c.getName();
        String value = c.getValue();
        if (!isToken(name) || !isCookieValue(value)) {
            throw new IllegalArgumentException("cookie " + name + " has characters a cookie cannot carry");
        }
        StringBuilder b = new StringBuilder(name.length() + value.length() + 80).append(name).append('=').append(value);
        if (c.getMaxAge() != Long.MIN_VALUE) {
            b.append("; Max-Age=").append(Math.max(0, c.getMaxAge()));
        }
        if (c.getPath() != null) {
            b.append("; Path=").append(c.getPath());
        }
        if (c.getDomain() != null) {
            b.append("; Domain=").append(c.getDomain());
        }
        if (c.isSecure()) {
            b.append("; Secure");
        }
        if (c.isHttpOnly()) {
            b.append("; HttpOnly");
        }
        CookieSameSite sameSite = c.getSameSite();
        if (sameSite != null) {
            b.append("; SameSite=").append(sameSite.toString());
        }
        return b.toString();
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch <= 0x20 || ch >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(ch) >= 0) {
                return false;
            }
        }
        return true;
    }

    // RFC 6265 cookie-octet: visible ASCII except DQUOTE, comma, semicolon and backslash.
    private static boolean isCookieValue(String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch <= 0x20 || ch >= 0x7f || ch == '"' || ch == ',' || ch == ';' || ch == '\\') {
                return false;
            }
        }
        return true;
    }
}
