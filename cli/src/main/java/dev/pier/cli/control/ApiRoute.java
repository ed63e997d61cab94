package dev.pier.cli.control;

import dev.pier.control.api.ApiRequest;
import dev.pier.control.api.ApiResponse;
import dev.pier.control.api.ControlApi;
import dev.pier.edge.admin.AdminHandler;
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

    /** A script upload whose token may make it takes a Worker bundle ({@link ControlApi#MAX_SCRIPT_BUNDLE}); all else the listener's limit. */
    @Override
    public BodyLimit bodyLimit(String method, String uri, Map<String, String> headers) {
        QueryStringDecoder decoded = new QueryStringDecoder(uri);
        ControlApi.BodyLimit limit = api.bodyLimit(new ApiRequest(method, decoded.path().substring(PREFIX.length()), decoded.parameters(),
                headers, new byte[0]), AdminHandler.MAX_BODY);
        ApiResponse refusal = limit.tooLarge();
        return new BodyLimit(limit.max(), new Response(refusal.status(), refusal.contentType(), refusal.body()));
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
