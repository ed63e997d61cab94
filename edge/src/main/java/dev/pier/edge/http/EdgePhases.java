package dev.pier.edge.http;

import dev.pier.analytics.RequestLog;
import dev.pier.analytics.RequestLogBuilder;
import dev.pier.config.Route;
import dev.pier.config.RouteTarget;
import dev.pier.config.RoutingTable;
import dev.pier.config.SslMode;
import dev.pier.config.Zone;
import dev.pier.config.ZoneSettings;
import dev.pier.edge.error.EdgeError;
import dev.pier.edge.error.EdgeException;
import dev.pier.edge.upstream.OriginPeer;
import dev.pier.edge.upstream.UpstreamPeer;
import dev.pier.edge.upstream.WorkerPeer;
import dev.pier.rules.Context;
import dev.pier.waf.RequestFields;
import dev.pier.waf.UrlNormalizer;
import dev.pier.waf.Verdict;
import dev.pier.waf.ZoneWaf;
import dev.pier.waf.challenge.Clearances;
import dev.pier.workers.host.NodeRequests;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.ssl.SslContext;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What the edge decides in each request phase: the head's limits, the zone and its TLS policy,
 * the websockets setting and the handshake, the challenge's answer, the WAF and what its verdict
 * means, the WebSocket connection limit, the origin and the forwarding headers, the security
 * headers, the error pages and the request record.
 *
 * <p>On a node whose configuration has a node secret, the other nodes' requests for the Durable
 * Objects it runs ({@link NodeRequests#PATH}) belong to no zone: they go to the runtime's script
 * for them, which checks the secret, with no rule, no forwarding header and no TLS policy of a zone.
 */
final class EdgePhases implements RequestPhases {

    private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(EdgePhases.class);

    /** The route of the other nodes' requests for the Durable Objects this node runs. */
    private static final Route NODES = new Route(new Zone("pier:nodes", ZoneSettings.DEFAULTS, List.of()), null,
            new RouteTarget.Worker(NodeRequests.SCRIPT));

    private final EdgeContext edge;

    EdgePhases(EdgeContext edge) {
        this.edge = edge;
    }

    @Override
    public void requestHead(RequestContext rc) {
        HttpRequest request = rc.request;
        RequestLogBuilder log = rc.log;
        log.clientRequestMethod(request.method().name());
        log.clientRequestProtocol(request.protocolVersion().text());
        log.clientRequestUserAgent(request.headers().get(HttpHeaderNames.USER_AGENT));
        EdgeException refused = RequestHeadCheck.head(request);
        log.clientRequestUri(request.uri()); // in origin-form now, with the Host it named
        log.clientRequestHost(request.headers().get(HttpHeaderNames.HOST));
        if (refused != null) {
            throw refused;
        }
    }

    @Override
    public void zone(RequestContext rc) {
        if (rc.request.uri().startsWith(NodeRequests.PATH) && rc.snapshot.config().durableObjects().nodeSecret() != null) {
            route(rc, NODES);
            return;
        }
        String host = rc.log.clientRequestHost();
        Route route = rc.snapshot.routes().resolve(host);
        if (route == null) {
            throw EdgeException.of(EdgeError.UNKNOWN_HOST, "Host: " + host);
        }
        route(rc, route);
        EdgeException refused = TlsPolicy.refusal(rc.client, host, route);
        if (refused != null) {
            throw refused;
        }
    }

    private void route(RequestContext rc, Route route) {
        rc.route = route;
        rc.log.zoneName(route.zone().name());
        rc.usage = edge.usage().zone(route.zone().name());
        rc.usage.request();
    }

    @Override
    public void upgradePolicy(RequestContext rc) {
        if (Handshake.isUpgrade(rc.request)) {
            rc.upgrade = true;
            EdgeException refused = RequestHeadCheck.upgrade(rc.request, rc.settings(), rc.log.zoneName());
            if (refused != null) {
                throw refused;
            }
        }
    }

    /** The answer to a solved (or failed) browser challenge: the edge's own path, never the origin's. */
    @Override
    public FullHttpResponse earlyResponse(RequestContext rc) {
        if (rc.upgrade || !rc.request.uri().startsWith(Clearances.VERIFY_PATH)) {
            return null;
        }
        FullHttpResponse answer = SecurityResponses.verify(rc.client.alloc(), rc.request, edge.waf().clearances(), rc.log.zoneName(),
                rc.clientAddress(), rc.tls(), rc.log.rayId());
        rc.log.edgeError(answer.status().code() == HttpResponseStatus.FOUND.code() ? null : EdgeError.CHALLENGE_FAILED.name());
        return answer;
    }

    /**
     * The zone's rules on the request head. A fault in the WAF itself lets the request through
     * rather than taking the zone down, and the log says so (docs/WAF.md); a verdict that waits
     * for shared rate limit counters completes on the client's event loop.
     */
    @Override
    public CompletionStage<Verdict> waf(RequestContext rc) {
        ZoneWaf waf = rc.snapshot.waf(rc.log.zoneName());
        if (waf.isEmpty()) {
            return null;
        }
        HttpRequest request = rc.request;
        CompletableFuture<Verdict> verdict;
        try {
            long now = System.currentTimeMillis();
            Context fields = RequestFields.of(new RequestFields.Request(request.method().name(), request.uri(),
                    request.protocolVersion().text(), request.headers(), RoutingTable.hostOnly(rc.log.clientRequestHost()),
                    rc.clientAddress(), rc.tls(), rc.log.rayId(), rc.localPort(), rc.settings().urlNormalization()), waf.fields(), now)
                    .useLists(rc.snapshot.lists())
                    .budget(rc.snapshot.config().waf().ruleBudget()); // spent: the request is refused, never let through
            verdict = waf.evaluate(fields, now, rc.client.eventLoop()).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(letThrough(rc, e));
        }
        if (verdict.isDone()) {
            return verdict.isCompletedExceptionally() ? verdict.handle((v, error) -> letThrough(rc, error)) : verdict;
        }
        return verdict.handleAsync((v, error) -> error == null ? v : letThrough(rc, error), rc.client.eventLoop());
    }

    private static Verdict letThrough(RequestContext rc, Throwable error) {
        logger.error("WAF failed on a request to zone {} (ray {}); letting it through", rc.log.zoneName(), rc.log.rayId(), error);
        rc.log.edgeError(EdgeError.WAF_FAILED.name());
        return new Verdict();
    }

    /**
     * Logs what the rules did, answers for a terminating action (the tunnel that follows a 101 is
     * never inspected, so this is the last word on a WebSocket), and counts an upgrade against
     * the zone's WebSocket limit.
     */
    @Override
    public FullHttpResponse admission(RequestContext rc) {
        Verdict verdict = rc.verdict;
        RequestLogBuilder log = rc.log;
        if (verdict != null) {
            if (!verdict.actions().isEmpty()) {
                log.securityActions(verdict.actions());
                log.securityRuleIds(verdict.ruleIds());
                log.securitySources(verdict.sources());
            }
            log.wafAttackScore(verdict.attackScore());
            log.wafSqliAttackScore(verdict.sqliScore());
            log.wafXssAttackScore(verdict.xssScore());
            log.wafRceAttackScore(verdict.rceScore());
            if (verdict.terminates()) {
                log.securityAction(Verdict.logName(verdict.action()));
                log.securityRuleId(verdict.ruleId());
                log.edgeError(SecurityResponses.error(verdict).name());
                HttpRequest request = rc.request;
                boolean browser = !rc.upgrade && HttpMethod.GET.equals(request.method())
                        && request.headers().get(HttpHeaderNames.ACCEPT, "").contains("text/html");
                return SecurityResponses.render(rc.client.alloc(), verdict, browser, request.uri(), edge.waf().clearances(),
                        log.zoneName(), rc.clientAddress(), log.rayId());
            }
        }
        if (rc.upgrade) {
            if (!rc.usage.tryOpenWebSocket(rc.settings().maxWebSocketConnections())) {
                throw EdgeException.of(EdgeError.TOO_MANY_WEBSOCKETS, null);
            }
            rc.webSocketSlot = true;
        }
        return null;
    }

    /**
     * The Worker one of the zone's Worker routes names for the request's host and path; else the
     * route's origin, or the one the origin rules chose (host through the zone's own records,
     * port, SNI from the Host they set).
     */
    @Override
    public UpstreamPeer upstreamPeer(RequestContext rc) {
        String uri = rc.request.uri();
        RouteTarget target = rc.route.target();
        if (!rc.route.zone().workerRoutes().isEmpty()) {
            int query = uri.indexOf('?');
            RouteTarget.Worker worker = rc.route.zone().worker(RoutingTable.hostOnly(rc.log.clientRequestHost()),
                    query < 0 ? uri : uri.substring(0, query));
            target = worker != null ? worker : target;
        }
        return switch (target) {
            case RouteTarget.Worker worker -> new WorkerPeer(worker.script(), rc.scheme + "://" + rc.log.clientRequestHost() + uri);
            case RouteTarget.Origin origin -> originPeer(rc, origin);
        };
    }

    private static OriginPeer originPeer(RequestContext rc, RouteTarget.Origin origin) {
        Verdict verdict = rc.verdict;
        String zone = rc.log.zoneName();
        String host = verdict != null && verdict.originHost() != null ? rc.snapshot.routes().originFor(zone, verdict.originHost())
                : origin.host();
        int port = verdict != null && verdict.originPort() > 0 ? verdict.originPort()
                : origin.port() != RouteTarget.Origin.LISTENER_PORT ? origin.port()
                : rc.localPort() == 0 ? 80 : rc.localPort();
        String serverName = verdict != null && verdict.hostHeader() != null ? verdict.hostHeader() : rc.log.clientRequestHost();
        SslContext tls = rc.snapshot.tls().toOrigin(zone);
        return new OriginPeer(host, port, tls, tls == null ? null : RoutingTable.hostOnly(serverName), origin.ssl() == SslMode.STRICT,
                rc.snapshot.config().timeouts().originConnect());
    }

    @Override
    public void upstreamRequest(RequestContext rc, HttpRequest head) {
        if (rc.route == NODES) {
            return; // the sender's request, as its stub got it: the client's forwarding headers are already in it
        }
        if (rc.settings().urlNormalization().normalizesToOrigin()) { // scope "both": the origin gets the path the rules saw
            head.setUri(UrlNormalizer.normalizeTarget(head.uri(), rc.settings().urlNormalization().type()));
        }
        ForwardedHeaders.toOrigin(head, rc.upgrade, rc.log.clientIp(), rc.scheme, rc.log.clientRequestHost(), rc.log.rayId());
        if (rc.verdict != null && rc.verdict.hostHeader() != null) {
            head.headers().set(HttpHeaderNames.HOST, rc.verdict.hostHeader());
        }
    }

    @Override
    public void upstreamResponse(RequestContext rc, HttpResponse head) {
        ForwardedHeaders.toClient(head, head.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code(), rc.log.rayId());
    }

    @Override
    public void response(RequestContext rc, HttpResponse head) {
        if (rc.tls() && rc.route != null) {
            SecurityHeaders.add(head, rc.settings().securityHeader());
        }
    }

    /** The error page; an origin's failure shows no detail (it would name the origin's address or scan internal services). */
    @Override
    public FullHttpResponse failToProxy(RequestContext rc, EdgeException error) {
        String detail = error.source() == EdgeError.Source.CLIENT ? error.detail() : null;
        return ErrorResponses.render(rc.client.alloc(), error.error(), detail, rc.log.rayId());
    }

    @Override
    public void logging(RequestContext rc, RequestLog record) {
        edge.sink().accept(record);
    }
}
