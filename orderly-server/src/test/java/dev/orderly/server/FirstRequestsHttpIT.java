package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A fresh browser's first API requests leave together (the page asks about the line and joins
 * it at once). Each used to mint its own browser id cookie; the browser kept whichever answer came
 * last, and a ticket bound to the other was then refused as "other browser". Now only the answers
 * that bind a ticket carry a new id, in the same answer as the ticket.
 */
class FirstRequestsHttpIT {

    @Test
    void concurrentFirstRequestsOfAFreshBrowserLeaveItsTicketUsable() throws Exception {
        try (OrderlyApp app = TestApp.start(Map.of(), Clock.systemUTC())) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + app.port();

            // Two concurrent first requests without cookies: a look at the line and a join.
            CompletableFuture<HttpResponse<String>> look = http.sendAsync(get(base + "/api/gates/identity", Map.of()),
                    HttpResponse.BodyHandlers.ofString());
            CompletableFuture<HttpResponse<String>> join = http.sendAsync(join(base, Map.of()), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> looked = look.get();
            HttpResponse<String> joined = join.get();
            assertThat(looked.statusCode()).as(looked.body()).isEqualTo(200);
            assertThat(joined.statusCode()).as(joined.body()).isEqualTo(201);
            assertThat(browserIds(looked)).as("an answer that binds nothing sets no browser id").isEmpty();
            assertThat(browserIds(joined)).hasSize(1);

            // The browser applies the answers in whichever order they land; the join's comes first here,
            // as in the lost-ticket case, and the look's (arriving later) must not replace it.
            Map<String, String> jar = new LinkedHashMap<>();
            keep(jar, joined);
            keep(jar, looked);
            String ticket = new JsonObject(joined.body()).getString("ticket");
            HttpResponse<String> status = http.send(get(base + "/api/gates/identity/status", Map.of("Cookie", cookieHeader(jar),
                    "Orderly-Ticket", ticket)), HttpResponse.BodyHandlers.ofString());
            assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
            assertThat(new JsonObject(status.body()).getString("state")).isIn("waiting", "admitted");

            // Two concurrent joins from one fresh browser (two tabs): each answer's cookie with its own ticket works.
            CompletableFuture<HttpResponse<String>> first = http.sendAsync(join(base, Map.of()), HttpResponse.BodyHandlers.ofString());
            CompletableFuture<HttpResponse<String>> second = http.sendAsync(join(base, Map.of()), HttpResponse.BodyHandlers.ofString());
            for (HttpResponse<String> answer : List.of(first.get(), second.get())) {
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
                Map<String, String> own = new LinkedHashMap<>();
                keep(own, answer);
                HttpResponse<String> s = http.send(get(base + "/api/gates/identity/status", Map.of("Cookie", cookieHeader(own),
                        "Orderly-Ticket", new JsonObject(answer.body()).getString("ticket"))), HttpResponse.BodyHandlers.ofString());
                assertThat(s.statusCode()).as(s.body()).isEqualTo(200);
            }

            // A browser that has an id keeps it: a join with it sets no new one, and a status without it is refused.
            HttpResponse<String> again = http.send(join(base, Map.of("Cookie", cookieHeader(jar))), HttpResponse.BodyHandlers.ofString());
            assertThat(browserIds(again)).isEmpty();
            HttpResponse<String> cookieless = http.send(get(base + "/api/gates/identity/status", Map.of("Orderly-Ticket", ticket)),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(cookieless.statusCode()).isEqualTo(403);
            assertThat(new JsonObject(cookieless.body()).getString("type")).endsWith("/other-browser");
        }
    }

    private static HttpRequest get(String uri, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri)).GET();
        headers.forEach(b::header);
        return b.build();
    }

    private static HttpRequest join(String base, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/gates/identity/join"))
                .header("Sec-Fetch-Site", "same-origin").POST(HttpRequest.BodyPublishers.noBody());
        headers.forEach(b::header);
        return b.build();
    }

    private static List<String> browserIds(HttpResponse<String> r) {
        return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("orderly_bid=")).toList();
    }

    /** What a browser does with an answer's cookies: each one replaces the one of its name. */
    private static void keep(Map<String, String> jar, HttpResponse<String> r) {
        for (String c : r.headers().allValues("Set-Cookie")) {
            String pair = c.substring(0, c.indexOf(';'));
            jar.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
    }

    private static String cookieHeader(Map<String, String> jar) {
        StringBuilder s = new StringBuilder();
        jar.forEach((k, v) -> s.append(s.isEmpty() ? "" : "; ").append(k).append('=').append(v));
        return s.toString();
    }
}
