package dev.orderly.server.http;

import dev.orderly.problem.ProblemType;
import io.vertx.core.http.Cookie;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * An HTTP answer built off the event loop and sent on it: status, JSON body and cookies.
 * Problems (RFC 9457) are replies whose body is a problem document. A body is a
 * {@code JsonObject}, a {@code JsonArray}, or a {@code String} holding encoded JSON (for answers
 * hot enough to be written by hand).
 */
public record Reply(int status, Object body, boolean problem, List<Cookie> cookies, List<String[]> headers) {

    public static Reply json(int status, Object body) {
        return new Reply(status, body, false, new ArrayList<>(), new ArrayList<>());
    }

    /**
     * A problem document of {@code type} (its slug, status and title come from the catalogue),
     * {@code detail} this occurrence's explanation.
     */
    public static Reply problem(ProblemType type, String detail) {
        JsonObject body = new JsonObject().put("type", type.type()).put("title", type.title()).put("status", type.status())
                .put("detail", detail);
        return new Reply(type.status(), body, true, new ArrayList<>(), new ArrayList<>());
    }

    /** Adds a member to a problem document or JSON object body. */
    public Reply with(String key, Object value) {
        ((JsonObject) body).put(key, value);
        return this;
    }

    public Reply cookie(Cookie cookie) {
        cookies.add(cookie);
        return this;
    }

    public Reply header(String name, String value) {
        headers.add(new String[] {name, value});
        return this;
    }
}
