package dev.pier.workers;

/**
 * What Cloudflare's {@code request.cf} (its {@code IncomingRequestCfProperties}) tells a Worker
 * of the client's connection, as far as the edge that received the request knows it; each field
 * the edge does not know is null. Only a request the edge received from a client carries one: a
 * request a Worker makes has none.
 *
 * @param colo         the data centre that received the request: on Pier, {@value #PIER}
 * @param httpProtocol the client's HTTP version, e.g. {@code HTTP/1.1}
 * @param tlsVersion   the TLS version of the client's connection, e.g. {@code TLSv1.3}; null on plain HTTP
 * @param tlsCipher    its cipher as BoringSSL names it (as Cloudflare's edge does), e.g. {@code AEAD-AES128-GCM-SHA256}; null on plain HTTP
 * @param clientTcpRtt the client connection's smoothed TCP round-trip time in milliseconds, as the kernel
 *                     measures it; null when the transport cannot read it
 */
public record RequestCf(String colo, String httpProtocol, String tlsVersion, String tlsCipher, Integer clientTcpRtt) {

    /** The {@code colo} of every request Pier receives: it has no airport codes. */
    public static final String PIER = "PIER";
}
