package dev.pier.waf;

import dev.pier.config.UrlNormalization;
import dev.pier.rules.Context;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Fills a rules {@link Context} with one HTTP request's fields as Cloudflare defines them:
 * header and argument maps keyed by lower-cased names, holding arrays of values. Only the
 * fields some rule reads are computed, so a zone with two origin rules on {@code http.host}
 * pays for {@code http.host} alone: the URI fields (the normalized path among them), the query's
 * arguments and the header fields are each filled only when a field of theirs is needed.
 *
 * <p>The URI fields hold the path normalized as the zone's URL normalization setting says
 * ({@link UrlNormalizer}); Cloudflare's {@code raw.} fields hold the request target as sent.
 * The query is never normalized, so {@code raw.http.request.uri.query} and the raw arguments
 * equal the others.
 */
public final class RequestFields {

    /**
     * The request as the edge parsed it.
     *
     * @param uri              the request target as the client sent it (origin form)
     * @param urlNormalization the zone's setting: the rules' {@code http.request.uri*} fields hold
     *                         the normalized path, the {@code raw.*} fields the one sent
     */
    public record Request(String method, String uri, String version, Iterable<Map.Entry<String, String>> headers,
                          String host, InetAddress client, boolean tls, String rayId, int edgePort,
                          UrlNormalization urlNormalization) {

        /** A request to a zone with Cloudflare's default URL normalization. */
        public Request(String method, String uri, String version, Iterable<Map.Entry<String, String>> headers,
                       String host, InetAddress client, boolean tls, String rayId, int edgePort) {
            this(method, uri, version, headers, host, client, tls, rayId, edgePort, UrlNormalization.DEFAULT);
        }
    }

    /** Fields made from the path and query: asking for any of them fills them all. */
    private static final List<String> URI_FIELDS = List.of("http.request.uri", "http.request.full_uri", "raw.http.request.uri",
            "raw.http.request.full_uri");
    /** Fields made from the query's arguments: asking for any of them fills them all. */
    private static final List<String> ARGUMENT_FIELDS = List.of("http.request.uri.args", "raw.http.request.uri.args");
    /** Fields made from the headers: asking for any of them fills them all. */
    private static final List<String> HEADER_FIELDS = List.of("http.request.headers", "http.user_agent", "http.referer",
            "http.cookie", "http.x_forwarded_for", "http.request.cookies");

    private RequestFields() {
    }

    public static Context of(Request r, Set<String> needed) {
        return of(r, needed, System.currentTimeMillis());
    }

    /** The fields of a request that arrived at {@code nowMillis} ({@code http.request.timestamp.sec}). */
    public static Context of(Request r, Set<String> needed, long nowMillis) {
        Context c = new Context(WafScheme.SCHEME);
        String rawUri = r.uri();
        int q = rawUri.indexOf('?');
        String query = q < 0 ? "" : rawUri.substring(q + 1);
        if (readsAny(needed, URI_FIELDS)) { // normalizing the path and building the full URIs is the work of these
            String rawPath = q < 0 ? rawUri : rawUri.substring(0, q);
            String path = r.urlNormalization().normalizesIncoming()
                    ? UrlNormalizer.normalizePath(rawPath, r.urlNormalization().type()) : rawPath;
            String uri = path.equals(rawPath) ? rawUri : path + rawUri.substring(rawPath.length());
            String origin = (r.tls() ? "https://" : "http://") + r.host();
            c.set("http.request.uri", uri)
                    .set("http.request.uri.path", path)
                    .set("http.request.uri.query", query)
                    .set("http.request.full_uri", origin + uri)
                    .set("raw.http.request.uri", rawUri)
                    .set("raw.http.request.uri.path", rawPath)
                    .set("raw.http.request.uri.query", query)
                    .set("raw.http.request.full_uri", origin + rawUri);
        }
        c.set("http.host", r.host())
                .set("http.request.method", r.method())
                .set("http.request.version", r.version())
                .set("ssl", r.tls())
                .set("cf.ray_id", r.rayId())
                .set("cf.edge.server_port", (long) r.edgePort());
        if (r.client() != null) {
            c.set("ip.src", r.client());
        }
        if (readsAny(needed, ARGUMENT_FIELDS)) {
            // normalization leaves the query as sent: the raw arguments are the arguments
            Map<String, List<String>> args = arguments(query);
            List<String> values = new ArrayList<>();
            args.values().forEach(values::addAll);
            List<String> names = List.copyOf(args.keySet());
            c.set("http.request.uri.args", args)
                    .set("http.request.uri.args.names", names)
                    .set("http.request.uri.args.values", values)
                    .set("raw.http.request.uri.args", args)
                    .set("raw.http.request.uri.args.names", names)
                    .set("raw.http.request.uri.args.values", values);
        }
        if (readsAny(needed, HEADER_FIELDS)) {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            List<String> values = new ArrayList<>();
            for (Map.Entry<String, String> h : r.headers()) {
                headers.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>(1)).add(h.getValue());
                values.add(h.getValue());
            }
            String cookie = first(headers, "cookie");
            c.set("http.request.headers", headers)
                    .set("http.request.headers.names", List.copyOf(headers.keySet()))
                    .set("http.request.headers.values", values)
                    .set("http.user_agent", first(headers, "user-agent"))
                    .set("http.referer", first(headers, "referer"))
                    .set("http.cookie", cookie)
                    .set("http.x_forwarded_for", first(headers, "x-forwarded-for"))
                    .set("http.request.cookies", cookies(headers.getOrDefault("cookie", List.of())));
        }
        c.set("http.request.timestamp.sec", nowMillis / 1000);
        return c;
    }

    /**
     * Whether a field needed is one of {@code fields} or one under it ({@code http.request.uri}
     * covers {@code http.request.uri.path} and the arguments): a loop, as it runs for every request.
     */
    private static boolean readsAny(Set<String> needed, List<String> fields) {
        for (String n : needed) {
            for (int i = 0; i < fields.size(); i++) {
                String f = fields.get(i);
                if (n.startsWith(f) && (n.length() == f.length() || n.charAt(f.length()) == '.')) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> v = headers.get(name);
        return v == null ? "" : v.get(0);
    }

    /** Query arguments, decoded leniently: a malformed escape stays as it is (rules may want to see it). */
    static Map<String, List<String>> arguments(String query) {
        Map<String, List<String>> args = new LinkedHashMap<>();
        if (query.isEmpty()) {
            return args;
        }
        for (String pair : query.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            args.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
        }
        return args;
    }

    static String decode(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        byte[] out = new byte[s.length()];
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '+') {
                out[n++] = ' ';
            } else if (ch == '%' && i + 2 < s.length() && Character.digit(s.charAt(i + 1), 16) >= 0
                    && Character.digit(s.charAt(i + 2), 16) >= 0) {
                out[n++] = (byte) (Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else if (ch < 0x100) {
                out[n++] = (byte) ch; // Netty hands the request line over as ISO-8859-1: one char per byte on the wire
            } else {
                byte[] utf8 = String.valueOf(ch).getBytes(StandardCharsets.UTF_8);
                if (n + utf8.length > out.length) {
                    out = java.util.Arrays.copyOf(out, out.length * 2 + utf8.length);
                }
                System.arraycopy(utf8, 0, out, n, utf8.length);
                n += utf8.length;
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    /** Cookie header values → name → values, the way browsers send them ({@code a=1; b=2}). */
    static Map<String, List<String>> cookies(List<String> headerValues) {
        Map<String, List<String>> cookies = new LinkedHashMap<>();
        for (String header : headerValues) {
            for (String part : header.split(";")) {
                String p = part.trim();
                if (p.isEmpty()) {
                    continue;
                }
                int eq = p.indexOf('=');
                String name = eq < 0 ? p : p.substring(0, eq).trim();
                String value = eq < 0 ? "" : p.substring(eq + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                cookies.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
            }
        }
        return cookies;
    }
}
