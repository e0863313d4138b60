package dev.orderly.server.http;

import dev.orderly.problem.ProblemType;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests that are broken below the API: a request line or headers the HTTP codec refuses
 * (too long, malformed), a body whose chunked encoding is broken, a request target whose
 * percent-escapes are not UTF-8 or stand for control characters (NUL above all, which
 * PostgreSQL refuses in text). Each gets a 4xx problem document (a page on page paths), never a
 * dropped connection or a 500, and costs the log at most one line per
 * {@link #LOG_INTERVAL}: anyone can send such requests in a loop.
 *
 * <p>The target is checked before the router sees it, in one place for every query and path
 * parameter: the router itself would throw on a broken escape while matching routes.
 */
public final class ProtocolErrors {

    private static final Logger LOG = LoggerFactory.getLogger(ProtocolErrors.class);
    static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
    private static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,40}");

    private final RateLimitedLog log = new RateLimitedLog(LOG, LOG_INTERVAL, System::nanoTime);

    /** For {@code HttpServer.invalidRequestHandler}: the codec could not read the request line or headers. */
    public void invalidRequest(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        Reply reply = switch (cause) {
            case TooLongHttpLineException e -> Reply.problem(ProblemType.URI_TOO_LONG,
                    "the request line is longer than " + HttpServerOptions.DEFAULT_MAX_INITIAL_LINE_LENGTH + " bytes");
            case TooLongHttpHeaderException e -> Reply.problem(ProblemType.HEADERS_TOO_LARGE,
                    "the request headers are larger than " + HttpServerOptions.DEFAULT_MAX_HEADER_SIZE + " bytes");
            case null, default -> Reply.problem(ProblemType.BAD_REQUEST, "the request is not valid HTTP/1.1");
        };
        log.warn("refused a request the HTTP codec could not read: " + reply.status() + " " + describe(cause));
        // The codec cannot read on after a broken head: answer, then close.
        answer(request, reply, true);
    }

    /**
     * Refuses {@code request} (and answers it) when its target has a broken percent-escape, bytes
     * that are not UTF-8, or control characters; false when it may go on to the router.
     */
    public boolean refuseTarget(HttpServerRequest request) {
        Optional<String> defect = targetDefect(request.uri());
        defect.ifPresent(detail -> answer(request, Reply.problem(ProblemType.BAD_REQUEST, detail), false));
        return defect.isPresent();
    }

    /**
     * For a request's exception handler, where no route reads the body: the codec failed on it
     * (broken chunking) or the connection broke. Answered 400 if no answer has begun; the
     * connection closes after it in any case.
     */
    public void connectionFailed(HttpServerRequest request, Throwable cause) {
        log.warn("a request broke off mid-way: " + describe(cause));
        if (isBrokenBody(cause)) {
            answer(request, Reply.problem(ProblemType.BAD_REQUEST, "the request body could not be read (broken chunked encoding)"),
                    true);
        }
        // An answer already given (a 405 for a page, say) is still waiting to be flushed.
        flushBeforeClose(request);
    }

    /**
     * Whether {@code failure} came from the HTTP codec reading the body (broken chunked encoding),
     * not from our code: the client's mistake, answered 400.
     */
    boolean isBrokenBody(Throwable failure) {
        if (failure == null) {
            return false;
        }
        for (StackTraceElement frame : failure.getStackTrace()) {
            if (frame.getClassName().startsWith("io.netty.handler.codec.")) {
                return true;
            }
        }
        return false;
    }

    Reply brokenBody(Throwable failure) {
        log.warn("refused a request whose body could not be read: " + describe(failure));
        return Reply.problem(ProblemType.BAD_REQUEST, "the request body could not be read (broken chunked encoding)")
                .header("Connection", "close");
    }

    /**
     * Pushes an answer out now. When the codec fails mid-read, Vert.x closes the connection as soon
     * as the failure has been handled, and an answer written during a read waits for the read to
     * complete before it is flushed: without this, it is dropped with the connection.
     */
    static void flushBeforeClose(HttpServerRequest request) {
        if (request.connection() instanceof io.vertx.core.net.impl.VertxConnection connection) {
            connection.flush();
        }
    }

    /** The class of what went wrong, no message: a message may quote what the client sent. */
    private static String describe(Throwable cause) {
        return cause == null ? "unknown cause" : cause.getClass().getName();
    }

    static Optional<String> targetDefect(String uri) {
        if (uri == null) {
            return Optional.of("the request has no target");
        }
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c <= 0x20 || c >= 0x7F) {
                return Optional.of("the request target must be ASCII without spaces; percent-encode anything else as UTF-8");
            }
        }
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        if (!decodes(path, false)) {
            return Optional.of("the path has a broken percent-escape, bytes that are not UTF-8, or control characters");
        }
        if (q >= 0) {
            for (String pair : uri.substring(q + 1).split("&")) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                if (!decodes(name, true) || !decodes(value, true)) {
                    String shown = PARAMETER_NAME.matcher(name).matches() ? "'" + name + "'" : "a query parameter";
                    return Optional.of(shown + " has a broken percent-escape, bytes that are not UTF-8, or control characters");
                }
            }
        }
        return Optional.empty();
    }

    /** Whether {@code component} percent-decodes to UTF-8 text without control characters. */
    private static boolean decodes(String component, boolean plusIsSpace) {
        ByteBuffer bytes = ByteBuffer.allocate(component.length());
        for (int i = 0; i < component.length(); i++) {
            char c = component.charAt(i);
            if (c == '%') {
                if (i + 2 >= component.length() || Character.digit(component.charAt(i + 1), 16) < 0
                        || Character.digit(component.charAt(i + 2), 16) < 0) {
                    return false;
                }
                bytes.put((byte) Integer.parseInt(component.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.put((byte) (plusIsSpace && c == '+' ? ' ' : c));
            }
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes.flip()).toString();
        } catch (CharacterCodingException e) {
            return false;
        }
        return !TextCheck.hasControlCharacters(text);
    }

    private static void answer(HttpServerRequest request, Reply reply, boolean close) {
        HttpServerResponse r = request.response();
        if (r.ended() || r.closed()) {
            return;
        }
        r.setStatusCode(reply.status()).putHeader("X-Content-Type-Options", "nosniff").putHeader("Cache-Control", "no-store");
        reply.headers().forEach(h -> r.putHeader(h[0], h[1]));
        if (close) {
            r.putHeader("Connection", "close");
        }
        // A head the codec refused has no path to go by (netty puts a placeholder there): a problem document.
        if (!request.decoderResult().isFailure() && ErrorPages.isPagePath(request.path())) {
            ErrorPages.end(r);
        } else {
            r.putHeader("Content-Type", "application/problem+json").end(reply.body().toString());
        }
        if (close) {
            flushBeforeClose(request);
            request.connection().close();
        }
    }
}
