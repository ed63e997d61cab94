package dev.pier.edge.waf;

import dev.pier.rules.Context;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Fills a rules {@link Context} with the fields of one HTTP request, as Cloudflare defines them. */
public final class RequestFacts {

    private RequestFacts() {
    }

    public static Context of(HttpRequest request, String host, InetAddress client, boolean tls, String rayId,
                             int edgePort) {
        Context c = new Context(CustomRules.SCHEME);
        String uri = request.uri();
        QueryStringDecoder decoded = new QueryStringDecoder(uri);
        int q = uri.indexOf('?');
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : request.headers()) {
            headers.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(h.getValue());
        }
        List<String> values = new ArrayList<>();
        headers.values().forEach(values::addAll);
        Map<String, List<String>> args = decoded.parameters();
        List<String> argValues = new ArrayList<>();
        args.values().forEach(argValues::addAll);
        String cookieHeader = request.headers().get(HttpHeaderNames.COOKIE);
        Map<String, List<String>> cookies = new LinkedHashMap<>();
        if (cookieHeader != null) {
            for (Cookie cookie : ServerCookieDecoder.LAX.decode(cookieHeader)) {
                cookies.computeIfAbsent(cookie.name(), k -> new ArrayList<>()).add(cookie.value());
            }
        }
        c.set("http.host", host)
                .set("http.request.method", request.method().name())
                .set("http.request.uri", uri)
                .set("http.request.uri.path", decoded.rawPath())
                .set("http.request.uri.query", q < 0 ? "" : uri.substring(q + 1))
                .set("http.request.uri.args", Map.copyOf(args))
                .set("http.request.uri.args.names", List.copyOf(args.keySet()))
                .set("http.request.uri.args.values", argValues)
                .set("http.request.full_uri", (tls ? "https://" : "http://") + host + uri)
                .set("http.request.headers", headers)
                .set("http.request.headers.names", List.copyOf(headers.keySet()))
                .set("http.request.headers.values", values)
                .set("http.request.cookies", cookies)
                .set("http.request.version", request.protocolVersion().text())
                .set("http.request.timestamp.sec", System.currentTimeMillis() / 1000)
                .set("http.user_agent", orEmpty(request.headers().get(HttpHeaderNames.USER_AGENT)))
                .set("http.referer", orEmpty(request.headers().get(HttpHeaderNames.REFERER)))
                .set("http.cookie", orEmpty(cookieHeader))
                .set("http.x_forwarded_for", orEmpty(request.headers().get("x-forwarded-for")))
                .set("ssl", tls)
                .set("cf.ray_id", rayId)
                .set("cf.edge.server_port", (long) edgePort);
        if (client != null) {
            c.set("ip.src", client);
        }
        return c;
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
