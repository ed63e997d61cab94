package dev.pier.edge.http;

import dev.pier.edge.error.EdgeError;
import dev.pier.config.ruleset.ActionParameters;
import dev.pier.waf.Verdict;
import dev.pier.waf.challenge.ChallengePage;
import dev.pier.waf.challenge.Clearances;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import io.netty.util.AsciiString;
import java.net.InetAddress;
import java.util.List;

/**
 * Renders what the WAF decided when it ends a request: a block (the edge's page or the rule's
 * own response), a rate limit (429 with Retry-After), a challenge (the page for a browser, a
 * plain 403 for an upgrade request or anything else that cannot run it), and the answer to a
 * solved challenge (its clearance cookie).
 */
final class SecurityResponses {

    /** Cloudflare's header on every challenge response, so clients can tell a challenge from a block. */
    static final AsciiString CF_MITIGATED = AsciiString.cached("cf-mitigated");

    private SecurityResponses() {
    }

    /** The response for a verdict that terminates; {@code browser} when the request can show a page. */
    static FullHttpResponse render(ByteBufAllocator alloc, Verdict verdict, boolean browser, String returnTo,
                                   Clearances clearances, String zone, InetAddress client, String rayId) {
        FullHttpResponse response;
        if (verdict.budgetExceeded()) {
            return ErrorResponses.render(alloc, EdgeError.RULE_BUDGET_EXCEEDED, "Rule " + verdict.ruleId() + ".", rayId);
        }
        if (verdict.action().isChallenge()) {
            if (browser && client != null) {
                String page = ChallengePage.html(clearances.challenge(zone, client, System.currentTimeMillis()),
                        clearances.difficulty(), returnTo, rayId);
                response = full(alloc, 403, page, "text/html; charset=utf-8", rayId);
            } else {
                response = ErrorResponses.render(alloc, EdgeError.CHALLENGE_REQUIRED, "Rule " + verdict.ruleId() + ".", rayId);
            }
            response.headers().set(CF_MITIGATED, "challenge");
            return response;
        }
        boolean rateLimit = Verdict.RATE_LIMIT.equals(verdict.source());
        ActionParameters.Response custom = verdict.response();
        if (custom != null) {
            response = full(alloc, custom.statusCode(), custom.content(), custom.contentType(), rayId);
        } else {
            response = ErrorResponses.render(alloc, rateLimit ? EdgeError.RATE_LIMITED : EdgeError.BLOCKED,
                    "Rule " + verdict.ruleId() + ".", rayId);
        }
        if (rateLimit) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, verdict.retryAfterSeconds());
        }
        return response;
    }

    /** The edge error a verdict stands for in the request log. */
    static EdgeError error(Verdict verdict) {
        if (verdict.budgetExceeded()) {
            return EdgeError.RULE_BUDGET_EXCEEDED;
        }
        return verdict.action().isChallenge() ? EdgeError.CHALLENGE_REQUIRED
                : Verdict.RATE_LIMIT.equals(verdict.source()) ? EdgeError.RATE_LIMITED : EdgeError.BLOCKED;
    }

    /**
     * Answers {@link Clearances#VERIFY_PATH}: a solved challenge earns the clearance cookie and
     * a redirect back to the page; anything else gets 403.
     */
    static FullHttpResponse verify(ByteBufAllocator alloc, HttpRequest request, Clearances clearances, String zone,
                                   InetAddress client, boolean tls, String rayId) {
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        String userAgent = request.headers().get(HttpHeaderNames.USER_AGENT, "");
        String clearance = client == null ? null : clearances.solve(first(query, "c"), first(query, "n"), zone, client,
                userAgent, System.currentTimeMillis());
        if (clearance == null) {
            FullHttpResponse refused = ErrorResponses.render(alloc, EdgeError.CHALLENGE_FAILED, null, rayId);
            refused.headers().set(CF_MITIGATED, "challenge");
            return refused;
        }
        DefaultCookie cookie = new DefaultCookie(Clearances.COOKIE, clearance);
        cookie.setPath("/");
        cookie.setHttpOnly(true);
        cookie.setSecure(tls);
        cookie.setMaxAge(clearances.passage().toSeconds());
        cookie.setSameSite(io.netty.handler.codec.http.cookie.CookieHeaderNames.SameSite.Lax);
        FullHttpResponse response = full(alloc, 302, "", "text/plain", rayId);
        response.headers()
                .set(HttpHeaderNames.LOCATION, safeReturn(first(query, "to")))
                .set(HttpHeaderNames.SET_COOKIE, ServerCookieEncoder.STRICT.encode(cookie));
        return response;
    }

    /** Only a path on this site: never an open redirect. */
    static String safeReturn(String to) {
        if (to == null || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")
                || to.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
            return "/";
        }
        return to;
    }

    private static String first(QueryStringDecoder query, String name) {
        List<String> values = query.parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static FullHttpResponse full(ByteBufAllocator alloc, int status, String body, String contentType, String rayId) {
        ByteBuf content = ByteBufUtil.writeUtf8(alloc, body);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .set(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes())
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set(ForwardedHeaders.RAY_ID, rayId);
        return response;
    }
}
