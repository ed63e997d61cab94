package dev.pier.cli.control;

import dev.pier.edge.admin.AdminRoute;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Serves the dashboard's three static files below {@code /dashboard}; the pages talk to the API. */
public final class DashboardRoute implements AdminRoute {

    public static final String PREFIX = "/dashboard";
    private static final String RESOURCES = "/dev/pier/control/dashboard/";
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8");

    @Override
    public String prefix() {
        return PREFIX;
    }

    @Override
    public Response handle(String method, String uri, Map<String, String> headers, byte[] body) {
        String path = uri.split("\\?", 2)[0].substring(PREFIX.length());
        if (path.isEmpty()) {
            // The page loads app.js and app.css relative to itself: from /dashboard they would be looked for at /.
            return new Response(301, "text/plain; charset=utf-8", "Moved to /dashboard/\n".getBytes(StandardCharsets.UTF_8),
                    Map.of("Location", PREFIX + "/"));
        }
        String file = path.equals("/") ? "index.html" : path.substring(1);
        String type = FILES.get(file);
        if (!method.equals("GET") || type == null) {
            return new Response(404, "text/plain; charset=utf-8", ("Not found: " + uri + "\n").getBytes(StandardCharsets.UTF_8));
        }
        try (InputStream in = DashboardRoute.class.getResourceAsStream(RESOURCES + file)) {
            return new Response(200, type, in.readAllBytes(), Map.of("Cache-Control", "no-cache",
                    "Content-Security-Policy", "default-src 'self'; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
                    "X-Content-Type-Options", "nosniff"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
