package dev.pier.rules;

/**
 * The request fields Cloudflare's Rules language knows in the request phases, with their
 * types. Header and argument maps are keyed by lower-cased names and hold arrays of values.
 * The {@code http.request.uri} fields hold the normalized path (the zone's URL normalization);
 * the {@code raw.} ones hold the request target as the client sent it.
 */
public final class StandardFields {

    private StandardFields() {
    }

    /** The scheme of the request phases (custom rules, managed rules, rate limiting, origin rules). */
    public static Scheme requestScheme() {
        return requestFields().build();
    }

    /** A scheme builder that holds the request fields already, for a scheme that adds its own. */
    public static Scheme.Builder requestFields() {
        Type bytesArray = Type.arrayOf(Type.BYTES);
        return Scheme.builder()
                .field("http.host", Type.BYTES)
                .field("http.request.method", Type.BYTES)
                .field("http.request.uri", Type.BYTES)
                .field("http.request.uri.path", Type.BYTES)
                .field("http.request.uri.query", Type.BYTES)
                .field("http.request.uri.args", Type.mapOf(bytesArray))
                .field("http.request.uri.args.names", bytesArray)
                .field("http.request.uri.args.values", bytesArray)
                .field("http.request.full_uri", Type.BYTES)
                // the request target as sent, before the zone's URL normalization
                .field("raw.http.request.uri", Type.BYTES)
                .field("raw.http.request.uri.path", Type.BYTES)
                .field("raw.http.request.uri.query", Type.BYTES)
                .field("raw.http.request.uri.args", Type.mapOf(bytesArray))
                .field("raw.http.request.uri.args.names", bytesArray)
                .field("raw.http.request.uri.args.values", bytesArray)
                .field("raw.http.request.full_uri", Type.BYTES)
                .field("http.request.headers", Type.mapOf(bytesArray))
                .field("http.request.headers.names", bytesArray)
                .field("http.request.headers.values", bytesArray)
                .field("http.request.cookies", Type.mapOf(bytesArray))
                .field("http.request.version", Type.BYTES)
                .field("http.request.timestamp.sec", Type.INT)
                .field("http.user_agent", Type.BYTES)
                .field("http.referer", Type.BYTES)
                .field("http.cookie", Type.BYTES)
                .field("http.x_forwarded_for", Type.BYTES)
                .field("ip.src", Type.IP)
                .field("ip.src.asnum", Type.INT)
                .field("ip.src.country", Type.BYTES)
                .field("ssl", Type.BOOL)
                .field("cf.ray_id", Type.BYTES)
                .field("cf.edge.server_port", Type.INT)
                .field("cf.waf.score", Type.INT)
                .field("cf.waf.score.sqli", Type.INT)
                .field("cf.waf.score.xss", Type.INT)
                .field("cf.waf.score.rce", Type.INT)
                .field("cf.waf.score.class", Type.BYTES);
    }
}
