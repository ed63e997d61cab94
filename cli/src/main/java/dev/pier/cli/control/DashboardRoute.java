package dev.pier.cli.control;

import dev.pier.control.dashboard.Dashboard;
import dev.pier.edge.admin.AdminRoute;
import java.util.Map;

/** Serves the {@link Dashboard} below {@code /dashboard} on the admin listener. */
public final class DashboardRoute implements AdminRoute {

    public static final String PREFIX = Dashboard.PREFIX;

    private final Dashboard dashboard = new Dashboard();

    @Override
    public String prefix() {
        return PREFIX;
    }

    @Override
    public Response handle(String method, String uri, Map<String, String> headers, byte[] body) {
        Dashboard.Answer answer = dashboard.serve(method, uri.split("\\?", 2)[0]);
        return new Response(answer.status(), answer.contentType(), answer.body(), answer.headers());
    }
}
