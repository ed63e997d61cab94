package dev.pier.cli.control;

import dev.pier.control.api.ApiRequest;
import dev.pier.control.api.ApiResponse;
import dev.pier.control.api.ControlApi;
import dev.pier.edge.admin.AdminRoute;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Map;

/** Serves {@link ControlApi} below {@code /client/v4} on the admin listener, as Cloudflare does below api.cloudflare.com. */
public final class ApiRoute implements AdminRoute {

    public static final String PREFIX = "/client/v4";

    private final ControlApi api;

    public ApiRoute(ControlApi api) {
        this.api = api;
    }

    @Override
    public String prefix() {
        return PREFIX;
    }

    @Override
    public Response handle(String method, String uri, Map<String, String> headers, byte[] body) {
        QueryStringDecoder decoded = new QueryStringDecoder(uri);
        ApiRequest request = new ApiRequest(method, decoded.path().substring(PREFIX.length()), decoded.parameters(), headers, body);
        ApiResponse response = api.handle(request);
        boolean authenticated = response.status() / 100 == 2 && api.requiresToken(request);
        return new Response(response.status(), response.contentType(), response.body(), Map.of(), authenticated);
    }
}
