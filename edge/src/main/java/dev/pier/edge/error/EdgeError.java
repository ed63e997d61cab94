package dev.pier.edge.error;

/**
 * Every way the edge answers a request by itself, tagged with whose fault it is and mapped to
 * a status code here and nowhere else. Origin failures use Cloudflare's 52x family so that
 * people who know it read them at once.
 */
public enum EdgeError {
    BAD_REQUEST(400, Source.CLIENT, "The request could not be understood."),
    MISSING_HOST(400, Source.CLIENT, "The request has no Host header."),
    BLOCKED(403, Source.CLIENT, "A security rule of this zone blocked the request."),
    WEBSOCKETS_DISABLED(403, Source.CLIENT, "WebSockets are disabled for this zone."),
    CHALLENGE_REQUIRED(403, Source.CLIENT, "This zone asks browsers to pass a challenge first; a WebSocket cannot run one, so "
            + "open the page that makes this connection in a browser first."),
    CHALLENGE_FAILED(403, Source.CLIENT, "The challenge answer is not valid: it is wrong, expired, or for another client."),
    RATE_LIMITED(429, Source.CLIENT, "Too many requests: a rate limiting rule of this zone refused the request."),
    /** The zone's rules would have spent more than the request's evaluation budget (waf.rule_budget): refused unjudged. */
    RULE_BUDGET_EXCEEDED(403, Source.CLIENT, "This zone's security rules could not finish judging the request within the "
            + "edge's evaluation budget, so the edge refused it."),
    /** Never answered: logged when the WAF itself failed and the request was let through. */
    WAF_FAILED(500, Source.INTERNAL, "The WAF failed on this request and let it through."),
    METHOD_NOT_SUPPORTED(501, Source.CLIENT, "The edge does not serve CONNECT: it is a reverse proxy, not a forward proxy."),
    CODING_NOT_SUPPORTED(501, Source.CLIENT, "The edge accepts request bodies with Transfer-Encoding: chunked alone."),
    VERSION_NOT_SUPPORTED(505, Source.CLIENT, "The edge speaks HTTP/1.1 and HTTP/1.0 only."),
    REQUEST_TIMEOUT(408, Source.CLIENT, "The request head did not arrive in time."),
    UNKNOWN_HOST(404, Source.CLIENT, "No zone on this edge serves this host name."),
    /**
     * RFC 9110 §15.5.20: the certificate the connection presented does not cover the request's
     * host (a handshake for another name, or without SNI). Cloudflare's error 1013 names the same
     * mismatch. See {@link TlsPolicy}.
     */
    MISDIRECTED_REQUEST(421, 1013, Source.CLIENT, "This connection's certificate does not cover the requested host name; "
            + "connect again with that name as SNI."),
    /** The connection's TLS version is older than the zone's {@code min_tls_version} (see {@link TlsPolicy}). */
    TLS_VERSION_TOO_OLD(421, Source.CLIENT, "This zone requires a newer TLS version than this connection uses; "
            + "connect again with that zone's host name as SNI."),
    URI_TOO_LONG(414, Source.CLIENT, "The request URI is longer than 16 KB."),
    BAD_HANDSHAKE(426, Source.CLIENT, "The WebSocket handshake is not valid."),
    TOO_MANY_WEBSOCKETS(429, Source.CLIENT, "This zone has reached its limit of concurrent WebSocket connections."),
    HEADERS_TOO_LARGE(431, Source.CLIENT, "The request headers are larger than 32 KB, or one header is larger than 16 KB."),
    /**
     * Cloudflare's error 1000, "DNS points to prohibited IP": the origin's address is one of this
     * edge's own listeners (a loop, or its admin listener) or link-local (see {@link OriginGuard}).
     */
    PROHIBITED_ORIGIN(403, 1000, Source.ORIGIN, "DNS points to a prohibited IP: the origin address is one of this edge's "
            + "own listeners or a link-local address."),
    INTERNAL(500, Source.INTERNAL, "The edge failed while handling the request."),
    ORIGIN_EMPTY_RESPONSE(520, Source.ORIGIN, "The origin closed the connection without sending a response."),
    ORIGIN_REFUSED(521, Source.ORIGIN, "The origin refused the connection."),
    ORIGIN_CONNECT_TIMEOUT(522, Source.ORIGIN, "The connection to the origin timed out."),
    ORIGIN_UNREACHABLE(523, Source.ORIGIN, "The origin could not be reached."),
    ORIGIN_INVALID_RESPONSE(502, Source.ORIGIN, "The origin sent a response the edge could not understand."),
    ORIGIN_BAD_HANDSHAKE(502, Source.ORIGIN, "The origin answered the WebSocket upgrade with an invalid handshake."),
    ORIGIN_TIMEOUT(524, Source.ORIGIN, "The origin did not answer in time."),
    ORIGIN_TLS_FAILED(525, Source.ORIGIN, "The TLS handshake with the origin failed."),
    ORIGIN_INVALID_CERTIFICATE(526, Source.ORIGIN, "The origin's certificate is not valid."),
    /** Cloudflare's error 1101: the Worker threw, its stage failed, or it answered what it may not (the log has why). */
    WORKER_EXCEPTION(500, 1101, Source.WORKER, "The Worker threw an exception."),
    /** Cloudflare's error 1102: the runtime stopped the Worker's code for its CPU time or memory (the log has which). */
    WORKER_EXCEEDED_RESOURCES(503, 1102, Source.WORKER, "Worker exceeded resource limits: its code ran longer or took more "
            + "memory than it may, and was stopped."),
    WORKER_NOT_DEPLOYED(503, Source.WORKER, "The Worker this route names is not deployed on this edge."),
    WORKER_BODY_TOO_LARGE(413, Source.CLIENT,
            "The request body is larger than a Worker takes (16 MiB gathered whole, 100 MB as it arrives).");

    /** Whose fault an error is: the client's, the origin's, a Worker's code, or the edge's own. */
    public enum Source { CLIENT, ORIGIN, WORKER, INTERNAL }

    private final int status;
    private final int code;
    private final Source source;
    private final String sentence;

    EdgeError(int status, Source source, String sentence) {
        this(status, status, source, sentence);
    }

    EdgeError(int status, int code, Source source, String sentence) {
        this.status = status;
        this.code = code;
        this.source = source;
        this.sentence = sentence;
    }

    public int status() {
        return status;
    }

    /** The error code the page shows: the status, or Cloudflare's own code where it has one (1000, 1013). */
    public int code() {
        return code;
    }

    public Source source() {
        return source;
    }

    /** One sentence that says what happened. */
    public String sentence() {
        return sentence;
    }
}
