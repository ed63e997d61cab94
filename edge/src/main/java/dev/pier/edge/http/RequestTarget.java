package dev.pier.edge.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import java.util.List;
import java.util.Locale;

/**
 * The request line and the Host header, made unambiguous before anything reads them: after
 * {@link #normalize} succeeds the target is in origin-form ({@code /path?query}, or {@code *}
 * for OPTIONS) and there is exactly one well-formed Host, the one routing, the WAF and the
 * origin all see.
 *
 * <p>An absolute-form target ({@code GET http://host/path}) becomes origin-form and its
 * authority replaces Host, as RFC 9112 §3.2.2 tells a proxy to do: otherwise the rules would
 * judge {@code http://host/admin} as a path while the origin serves {@code /admin}, and
 * routing would follow Host while the origin might follow the target.
 */
public final class RequestTarget {

    private RequestTarget() {
    }

    /**
     * Null when every byte of the target is visible ASCII (0x21 to 0x7E, RFC 3986), else what is
     * wrong: a byte above 0x7E is read as one character by the rules and sent to the origin as
     * its UTF-8 encoding, two bytes, so the origin's path would differ from the one judged.
     */
    static String printable(String uri) {
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                return "target: a byte 0x" + Integer.toHexString(c) + " at " + i
                        + " (expected: visible ASCII; percent-encode anything else)";
            }
        }
        return null;
    }

    /** Rewrites an absolute-form target to origin-form; returns what is wrong, or null. */
    public static String normalize(HttpRequest request) {
        String uri = request.uri();
        if (HttpMethod.CONNECT.equals(request.method())) {
            return "CONNECT " + uri + " (expected: the edge is not a forward proxy)";
        }
        List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1) {
            return "Host: " + hosts.size() + " headers (expected: exactly one, RFC 9112 §3.2)";
        }
        if (uri.startsWith("/")) {
            return hosts.isEmpty() ? null : hostProblem(hosts.get(0));
        }
        if (uri.equals("*")) {
            return HttpMethod.OPTIONS.equals(request.method()) ? (hosts.isEmpty() ? null : hostProblem(hosts.get(0)))
                    : "target: * (expected: only with OPTIONS)";
        }
        String lower = uri.length() >= 8 ? uri.substring(0, 8).toLowerCase(Locale.ROOT) : uri.toLowerCase(Locale.ROOT);
        int schemeEnd = lower.startsWith("http://") ? 7 : lower.startsWith("https://") ? 8 : -1;
        if (schemeEnd < 0) {
            return "target: " + abbreviate(uri) + " (expected: /path, or http:// or https:// with a host)";
        }
        int authorityEnd = schemeEnd;
        while (authorityEnd < uri.length() && "/?#".indexOf(uri.charAt(authorityEnd)) < 0) {
            authorityEnd++;
        }
        String authority = uri.substring(schemeEnd, authorityEnd);
        String problem = hostProblem(authority);
        if (problem != null) {
            return "target: " + abbreviate(uri) + " has a bad authority: " + problem;
        }
        String rest = uri.substring(authorityEnd);
        if (rest.startsWith("#")) {
            return "target: " + abbreviate(uri) + " (expected: no fragment)";
        }
        request.setUri(rest.isEmpty() ? "/" : rest.startsWith("?") ? "/" + rest : rest);
        request.headers().set(HttpHeaderNames.HOST, authority);
        return null;
    }

    /**
     * Null when {@code host} is {@code name[:port]} or {@code [v6][:port]} with a DNS name of
     * letters, digits, '-', '_' and '.', else what is wrong. Userinfo ({@code x@host}), paths,
     * spaces and percent-escapes are refused: no zone has such a name, and a parser that reads
     * them differently would route the request elsewhere.
     */
    public static String hostProblem(String host) {
        if (host.isEmpty()) {
            return "Host: empty (expected: a host name)";
        }
        int i = 0;
        if (host.charAt(0) == '[') {
            int close = host.indexOf(']');
            if (close < 0) {
                return "Host: " + abbreviate(host) + " (expected: a closing ']')";
            }
            for (i = 1; i < close; i++) {
                char c = host.charAt(i);
                if (!(isHex(c) || c == ':' || c == '.')) {
                    return "Host: " + abbreviate(host) + " (expected: an IPv6 address in brackets)";
                }
            }
            i = close + 1;
        } else {
            for (; i < host.length() && host.charAt(i) != ':'; i++) {
                char c = host.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_')) {
                    return "Host: " + abbreviate(host) + " (expected: a host name and an optional port, nothing else)";
                }
            }
            if (i == 0) {
                return "Host: " + abbreviate(host) + " (expected: a host name before the port)";
            }
        }
        if (i == host.length()) {
            return null;
        }
        if (host.charAt(i) != ':' || i + 1 == host.length() || host.length() - i - 1 > 5) {
            return "Host: " + abbreviate(host) + " (expected: a port of 1 to 5 digits after ':')";
        }
        for (int p = i + 1; p < host.length(); p++) {
            if (host.charAt(p) < '0' || host.charAt(p) > '9') {
                return "Host: " + abbreviate(host) + " (expected: a port of 1 to 5 digits after ':')";
            }
        }
        return null;
    }

    private static boolean isHex(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    /** Error pages quote at most 100 characters of what the client sent. */
    private static String abbreviate(String value) {
        return value.length() <= 100 ? value : value.substring(0, 100) + "…";
    }
}
