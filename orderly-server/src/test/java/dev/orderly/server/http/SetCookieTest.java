package dev.orderly.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import org.junit.jupiter.api.Test;

class SetCookieTest {

    @Test
    void writesTheAttributesOurCookiesCarry() {
        Cookie c = Cookie.cookie("orderly_bid", "AbC-_09").setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
                .setMaxAge(2_592_000);
        assertThat(SetCookie.header(c)).isEqualTo("orderly_bid=AbC-_09; Max-Age=2592000; Path=/; HttpOnly; SameSite=Strict");
        assertThat(SetCookie.header(c.setSecure(true))).isEqualTo("orderly_bid=AbC-_09; Max-Age=2592000; Path=/; Secure; HttpOnly; SameSite=Strict");
        assertThat(SetCookie.header(Cookie.cookie("gone", "").setMaxAge(0))).isEqualTo("gone=; Max-Age=0");
        assertThat(SetCookie.header(Cookie.cookie("session", "x.y"))).as("a session cookie has no lifetime").isEqualTo("session=x.y");
    }

    @Test
    void refusesAValueOrNameThatCouldSplitTheHeader() {
        assertThatThrownBy(() -> SetCookie.header(Cookie.cookie("a", "x; Path=/evil"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SetCookie.header(Cookie.cookie("a", "x\r\nSet-Cookie: b=1"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SetCookie.header(Cookie.cookie("a b", "x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SetCookie.header(Cookie.cookie("a", "\"quoted\""))).isInstanceOf(IllegalArgumentException.class);
    }
}
