package dev.pier.edge.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.util.AsciiString;
import java.util.List;
import java.util.Locale;

/**
 * Header rewriting between client and origin (RFC 9110 §7.6): hop-by-hop headers stay on
 * their hop, the origin learns who the client is (X-Forwarded-For, X-Forwarded-Proto,
 * Forwarded, and Cloudflare's CF-Connecting-IP, which only the edge sets), and the request id
 * travels both ways.
 */
final class ForwardedHeaders {

    /** The request id header: the client, the origin and the request log all see the same id. */
    static final AsciiString RAY_ID = AsciiString.cached("pier-ray");
    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    private static final AsciiString FORWARDED = AsciiString.cached("forwarded");
    /** Cloudflare's: the client's address, one value that the edge sets (a client's own is replaced, never passed on). */
    private static final AsciiString CF_CONNECTING_IP = AsciiString.cached("cf-connecting-ip");
    private static final List<AsciiString> HOP_BY_HOP = List.of(
            HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE, HttpHeaderNames.PROXY_CONNECTION,
            HttpHeaderNames.TE, HttpHeaderNames.TRAILER, HttpHeaderNames.UPGRADE,
            HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.PROXY_AUTHORIZATION);

    private ForwardedHeaders() {
    }

    /**
     * Rewrites a client's request for the origin. Transfer-Encoding stays: the body is
     * forwarded message by message and the encoder frames it the same way again.
     */
    static void toOrigin(HttpMessage request, boolean upgrade, String clientIp, String scheme, String host, String rayId) {
        HttpHeaders headers = request.headers();
        removeHopByHop(headers);
        if (upgrade) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderNames.UPGRADE);
            headers.set(HttpHeaderNames.UPGRADE, "websocket");
        }
        appendElement(headers, X_FORWARDED_FOR, clientIp);
        headers.set(X_FORWARDED_PROTO, scheme);
        headers.set(CF_CONNECTING_IP, clientIp);
        String forwardedFor = clientIp.indexOf(':') >= 0 ? "\"[" + clientIp + "]\"" : clientIp;
        appendElement(headers, FORWARDED, "for=" + forwardedFor + ";proto=" + scheme
                + (host != null ? ";host=\"" + host.replace("\"", "") + "\"" : ""));
        headers.set(RAY_ID, rayId);
    }

    /**
     * Adds this hop's element to a list header: one header line holding every element the
     * client's lines held (RFC 9110 §5.3: several lines are one comma-separated list), then this one.
     */
    private static void appendElement(HttpHeaders headers, AsciiString name, String element) {
        List<String> before = headers.getAll(name);
        headers.set(name, before.isEmpty() ? element : String.join(", ", before) + ", " + element);
    }

    /** Rewrites an origin's response for the client; a 101 keeps its Upgrade and Connection. */
    static void toClient(HttpMessage response, boolean switching, String rayId) {
        HttpHeaders headers = response.headers();
        if (switching) {
            headers.remove(HttpHeaderNames.KEEP_ALIVE);
            headers.remove(HttpHeaderNames.PROXY_CONNECTION);
        } else {
            removeHopByHop(headers);
        }
        headers.set(RAY_ID, rayId);
    }

    /**
     * Removes the hop-by-hop headers and those the Connection header names, except the ones a
     * message is framed, routed or handshaken by (a request naming those is refused earlier;
     * an origin's response naming them keeps them).
     */
    private static void removeHopByHop(HttpHeaders headers) {
        for (String connection : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : connection.split(",")) {
                String name = token.trim().toLowerCase(Locale.ROOT);
                if (!name.isEmpty() && !name.equals("close") && !name.equals("keep-alive") && RequestHeadCheck.mayBeHopByHop(name)) {
                    headers.remove(name);
                }
            }
        }
        for (AsciiString name : HOP_BY_HOP) {
            headers.remove(name);
        }
    }
}
