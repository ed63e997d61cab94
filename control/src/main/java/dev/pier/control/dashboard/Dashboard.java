package dev.pier.control.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dashboard: static files served below {@link #PREFIX}, read once from this package's
 * resources: the page, its script and style, the Analytics and Logs tabs' scripts, and the
 * charting library it draws with (uPlot 1.6.32, MIT, as published on npm, with its license).
 * The pages talk to the API; nothing here reads the store. Like
 * {@link dev.pier.control.api.ControlApi}, it takes a plain request and returns a plain
 * answer, so the listener that serves it stays a thin adapter.
 */
public final class Dashboard {

    public static final String PREFIX = "/dashboard";
    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8",
            "logs.js", "text/javascript; charset=utf-8",
            "analytics.js", "text/javascript; charset=utf-8",
            "uPlot.iife.min.js", "text/javascript; charset=utf-8",
            "uPlot.min.css", "text/css; charset=utf-8",
            "uPlot.LICENSE.txt", "text/plain; charset=utf-8");
    /** The pages load nothing but their own files, and no other site may frame them. */
    private static final Map<String, String> HEADERS = Map.of("Cache-Control", "no-cache",
            "Content-Security-Policy", "default-src 'self'; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
            "X-Content-Type-Options", "nosniff");

    /** What to answer: the status, the body's type, the body and headers beyond the content type. */
    public record Answer(int status, String contentType, byte[] body, Map<String, String> headers) {
    }

    private final Map<String, byte[]> files = new LinkedHashMap<>();

    public Dashboard() {
        for (String name : TYPES.keySet()) {
            try (InputStream in = Dashboard.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException("the dashboard's " + name + " is missing from the classpath");
                }
                files.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * @param method upper case
     * @param path   the request's path, from {@link #PREFIX} on, without the query
     */
    public Answer serve(String method, String path) {
        String below = path.substring(PREFIX.length());
        if (below.isEmpty()) {
            // The page loads app.js and app.css relative to itself: from /dashboard they would be looked for at /.
            return new Answer(301, "text/plain; charset=utf-8", "Moved to /dashboard/\n".getBytes(StandardCharsets.UTF_8),
                    Map.of("Location", PREFIX + "/"));
        }
        String name = below.equals("/") ? "index.html" : below.substring(1);
        byte[] file = files.get(name);
        if (!method.equals("GET") || file == null) {
            return new Answer(404, "text/plain; charset=utf-8", ("Not found: " + path + "\n").getBytes(StandardCharsets.UTF_8), Map.of());
        }
        return new Answer(200, TYPES.get(name), file, HEADERS);
    }
}
