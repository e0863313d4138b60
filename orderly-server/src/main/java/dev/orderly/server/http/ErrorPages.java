package dev.orderly.server.http;

import io.vertx.core.http.HttpServerResponse;
import java.util.Map;
import java.util.Set;

/**
 * The answer to an error on a page path (anything a person may open in a browser: not the JSON
 * API, not the machine endpoints): a page in the site's style, Korean first and English second,
 * that says what happened and links back to the start. The JSON API and the machine endpoints get
 * problem documents instead ({@link #isPagePath}).
 *
 * <p>The page is static HTML with the site's stylesheet and no script or inline style: the
 * Content-Security-Policy forbids both, and an error page must work when nothing else does.
 */
final class ErrorPages {

    private static final Set<String> MACHINE_PATHS = Set.of("/health", "/ready", "/metrics", "/openapi.yaml");

    /** Korean title, Korean explanation, English title, English explanation. */
    private record Words(String koTitle, String ko, String enTitle, String en) {
    }

    private static final Map<Integer, Words> WORDS = Map.of(
            400, new Words("잘못된 요청입니다", "요청을 읽을 수 없습니다. 주소를 확인하시거나 처음 화면에서 다시 시작해 주세요.",
                    "Bad request", "The request could not be read. Check the address, or start again from the first page."),
            404, new Words("페이지를 찾을 수 없습니다", "주소가 잘못되었거나 없는 페이지입니다. 처음 화면에서 다시 시작해 주세요.",
                    "Page not found", "The address is wrong or the page does not exist. Start again from the first page."),
            405, new Words("허용되지 않는 요청입니다", "이 페이지는 열어 보기만 할 수 있습니다. 처음 화면에서 다시 시작해 주세요.",
                    "Method not allowed", "This page can only be opened, not sent to. Start again from the first page."),
            413, new Words("요청이 너무 큽니다", "보낸 내용이 너무 깁니다. 처음 화면에서 다시 시작해 주세요.",
                    "Request too large", "What was sent is too long. Start again from the first page."),
            414, new Words("주소가 너무 깁니다", "주소가 너무 길어 읽을 수 없습니다. 처음 화면에서 다시 시작해 주세요.",
                    "Address too long", "The address is too long to read. Start again from the first page."),
            431, new Words("요청 정보가 너무 큽니다", "브라우저가 보낸 정보(쿠키 등)가 너무 큽니다. 이 사이트의 쿠키를 지우고 다시 시도해 주세요.",
                    "Request headers too large", "Your browser sent too much (cookies, for instance). Clear this site's cookies and try again."),
            429, new Words("요청이 너무 많습니다", "잠시 후 다시 시도해 주세요.", "Too many requests", "Please try again in a moment."),
            503, new Words("잠시 서비스를 이용할 수 없습니다", "잠시 후 다시 시도해 주세요. 대기 순서와 예약은 그대로 유지됩니다.",
                    "Service briefly unavailable", "Please try again in a moment. Your place in line and your booking are kept."));

    private static final Words OTHER_CLIENT_ERROR = WORDS.get(400);
    private static final Words SERVER_ERROR = new Words("일시적인 오류가 발생했습니다", "잠시 후 다시 시도해 주세요.",
            "Something went wrong", "Please try again in a moment.");

    private ErrorPages() {
    }

    /** Whether an error at {@code path} is answered with a page (true) or a problem document (false). */
    static boolean isPagePath(String path) {
        return path == null || !(path.equals("/api") || path.startsWith("/api/") || path.startsWith("/.well-known/") || path.startsWith("/fhir/")
                || MACHINE_PATHS.contains(path));
    }

    /** Ends {@code response} (its status already set) with the page for its status. */
    static void end(HttpServerResponse response) {
        response.putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-store")
                .end(html(response.getStatusCode()));
    }

    static String html(int status) {
        Words w = WORDS.getOrDefault(status, status >= 500 ? SERVER_ERROR : OTHER_CLIENT_ERROR);
        return """
                <!doctype html>
                <html lang="ko">
                <head>
                  <meta charset="utf-8">
                  <meta name="viewport" content="width=device-width, initial-scale=1">
                  <title>%1$s | %3$s — Orderly</title>
                  <link rel="icon" href="/assets/img/logo.svg?v=2" type="image/svg+xml">
                  <link rel="stylesheet" href="/assets/css/app.css?v=3">
                </head>
                <body>
                <header class="site-header">
                  <div class="wrap">
                    <a class="brand" href="/">
                      <img src="/assets/img/logo.svg?v=2" alt="" width="32" height="32">
                      <span class="brand-text"><span class="brand-name">Orderly</span><span class="brand-sub">코로나19 예방접종 사전예약</span></span>
                    </a>
                  </div>
                </header>
                <main id="main">
                  <div class="wrap">
                    <section class="card">
                      <p class="eyebrow">%5$d</p>
                      <h1 class="page-title">%1$s</h1>
                      <p>%2$s</p>
                      <p><a class="button" href="/">처음으로</a></p>
                    </section>
                    <section class="card" lang="en">
                      <h2 class="card-title">%3$s</h2>
                      <p>%4$s</p>
                      <p><a href="/">Back to the first page</a></p>
                    </section>
                  </div>
                </main>
                </body>
                </html>
                """.formatted(w.koTitle(), w.ko(), w.enTitle(), w.en(), status);
    }
}
