package dev.pier.control.api;

import dev.pier.analytics.LiveWebSockets;
import dev.pier.analytics.store.AnalyticsStore;
import dev.pier.control.livelogs.LiveLogSessions;
import dev.pier.control.store.Store;
import dev.pier.control.store.StoredToken;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The part of Cloudflare's v4 API that Pier serves. Each {@code *Api} class declares its routes
 * (method, path template, access, permission, what the OpenAPI document says, handler); this
 * class gathers them into one table, matches a request's method and path against it, and runs
 * the route's handler inside the decorators every route goes through, outermost first:
 * {@link Authentication}, {@link Authorization}, {@link QueryLimits} and {@link AfterWrite}. A
 * request is authenticated and authorized from its route before any handler reads it.
 * {@link ErrorEnvelope} turns every failure into Cloudflare's envelope; a refusal writes nothing.
 * The OpenAPI document ({@code GET /openapi.json}) is made from the same table.
 */
public final class ControlApi {

    /** Pier has one account; its id stands where Cloudflare's API has an account id ({@code /accounts/pier/...}). */
    public static final String ACCOUNT_ID = "pier";
    /** The largest Worker bundle a script upload may send: Cloudflare's Worker size limit on Workers Paid (10 MiB). */
    public static final int MAX_SCRIPT_BUNDLE = 10 * 1024 * 1024;
    /** Cloudflare's code for a Worker over the size limit ({@code workers.api.error.script_too_large}). */
    static final int SCRIPT_TOO_LARGE = 10027;

    /**
     * How large a body a request may send, decided from its head, and the answer when it sends more.
     *
     * @param max      bytes
     * @param tooLarge Cloudflare's envelope: 10027 for a script upload over the Worker size limit, the
     *                 authentication error for an upload whose token may not make it, 413 otherwise
     */
    public record BodyLimit(int max, ApiResponse tooLarge) {
    }

    private final Credentials credentials;
    private final AfterWrite afterWrite = new AfterWrite();
    private final List<Route> routes;
    private final List<Route.Handler> handlers;
    private final String openApi;
    /** The analytics store the GraphQL Analytics API answers from; null while analytics are off. */
    private volatile AnalyticsStore analytics;
    /** This node's live log sessions; null in a process that streams none (no edge). */
    private volatile LiveLogSessions liveLogs;
    /** Where the WebSockets open now are read; null while no edge runs in this process. */
    private volatile LiveWebSockets liveWebSockets;

    public ControlApi(Store store) {
        this.credentials = new Credentials(store);
        Routes own = new Routes("OpenAPI");
        own.add("GET", "/openapi.json", Route.Access.PUBLIC, null).doc("getOpenApi", "This document, made from the routes served")
                .bare().to(c -> new ApiResponse(200, openApi()));
        List<Route> all = new ArrayList<>(own.list());
        all.addAll(new TokensApi(store).routes());
        all.addAll(new ZonesApi(store).routes());
        all.addAll(new SettingsApi(store).routes());
        all.addAll(new UrlNormalizationApi(store).routes());
        all.addAll(new DnsRecordsApi(store).routes());
        all.addAll(new CertificatesApi(store).routes());
        all.addAll(new RulesetsApi(store).routes());
        all.addAll(new WorkerRoutesApi(store).routes());
        all.addAll(new WorkerScriptsApi(store).routes());
        all.addAll(new WorkerDeploymentsApi(store).routes());
        all.addAll(new AccountsApi().routes());
        all.addAll(new LogpushApi(store).routes());
        all.addAll(new FiltersApi(store).routes());
        all.addAll(new ListsApi(store).routes());
        all.addAll(new AuditApi(store).routes());
        all.addAll(new GraphqlApi(store, () -> analytics, () -> liveWebSockets).routes());
        all.addAll(new LiveLogsApi(() -> liveLogs).routes());
        this.routes = List.copyOf(all);
        List<Decorator> decorators = List.of(new Authentication(credentials), new Authorization(store), new QueryLimits(), afterWrite);
        this.handlers = routes.stream().map(route -> decorated(route, decorators)).toList();
        this.openApi = OpenApiDocument.json(routes);
    }

    public Credentials credentials() {
        return credentials;
    }

    /** Runs after every request that may have written (an edge in the same process applies the change at once). */
    public void afterWrite(Runnable action) {
        afterWrite.set(action);
    }

    /** The analytics store {@code POST /graphql} answers from; without one it answers that analytics are off. */
    public void analytics(AnalyticsStore store) {
        this.analytics = store;
    }

    /** The live log sessions {@code /zones/{id}/logpush/edge/jobs} opens and lists. */
    public void liveLogs(LiveLogSessions sessions) {
        this.liveLogs = sessions;
    }

    /** Where {@code webSocketConnectionsLive} reads the WebSockets open now: this node's edge, or every node's. */
    public void liveWebSockets(LiveWebSockets source) {
        this.liveWebSockets = source;
    }

    /** True for every request but the public ones: a success answer to it means its token was valid. */
    public boolean requiresToken(ApiRequest request) {
        return routes.stream().noneMatch(r -> r.access() == Route.Access.PUBLIC && r.method().equals(request.method())
                && r.match(request.path()) != null);
    }

    /**
     * The body {@code head} (a request without its body) may send: {@link #MAX_SCRIPT_BUNDLE} for a
     * script upload whose token may make it, {@code otherwise} for every other request. Reads the
     * store (the token); the body is never looked at.
     */
    public BodyLimit bodyLimit(ApiRequest head, int otherwise) {
        String path = trimmed(head.path());
        Route route = routes.stream().filter(r -> r.method().equals(head.method()) && r.match(path) != null).findFirst().orElse(null);
        if (route == null || !route.takesBundle()) {
            return new BodyLimit(otherwise, ErrorEnvelope.around(head, () -> {
                throw new ApiException(413, new ApiError(10413, "Request body too large (expected: at most " + otherwise + " bytes)"));
            }));
        }
        ApiResponse refused = ErrorEnvelope.around(head, () -> {
            StoredToken token = credentials.authenticate(head);
            Authorization.require(token, route.permission());
            if (route.access() == Route.Access.ACCOUNT && !token.zoneIds().isEmpty()) {
                throw new ApiException(403, new ApiError(10000, "Authentication error"));
            }
            return null;
        });
        if (refused != null) {
            return new BodyLimit(otherwise, refused);
        }
        return new BodyLimit(MAX_SCRIPT_BUNDLE, ErrorEnvelope.around(head, () -> {
            throw new ApiException(413, new ApiError(SCRIPT_TOO_LARGE, "Your Worker exceeded the size limit of "
                    + (MAX_SCRIPT_BUNDLE >> 20) + " MiB (the upload's body, its metadata and every module)"));
        }));
    }

    private static String trimmed(String path) {
        return path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
    }

    public ApiResponse handle(ApiRequest request) {
        return ErrorEnvelope.around(request, () -> {
            String path = request.path().endsWith("/") && request.path().length() > 1
                    ? request.path().substring(0, request.path().length() - 1) : request.path();
            boolean pathKnown = false;
            for (int i = 0; i < routes.size(); i++) {
                Map<String, String> params = routes.get(i).match(path);
                if (params != null) {
                    pathKnown = true;
                    if (routes.get(i).method().equals(request.method())) {
                        return handlers.get(i).handle(new Route.Call(request, null, params, null));
                    }
                }
            }
            throw pathKnown ? new ApiException(405, new ApiError(10405, "Method not allowed for " + path))
                    : new ApiException(404, new ApiError(7000, "No route for that URI"));
        });
    }

    /** Every operation this API serves, in the order they are matched: the first whose method and path match answers. */
    List<Route> routes() {
        return routes;
    }

    private String openApi() {
        return openApi;
    }

    /** The route's handler inside the decorators, the first outermost. */
    private static Route.Handler decorated(Route route, List<Decorator> decorators) {
        Route.Handler handler = route.handler();
        for (int i = decorators.size() - 1; i >= 0; i--) {
            handler = decorators.get(i).decorate(route, handler);
        }
        return handler;
    }
}
