package dev.pier.examples.workers;

import dev.pier.workers.Request;

/**
 * The address of the client a request came from, as the edge tells a Worker on Cloudflare and on
 * Pier alike: {@code CF-Connecting-IP}, which the edge sets to the address it accepted the
 * connection from (a client's own is replaced).
 */
final class ClientIp {

    /** What a request that did not come through the edge (a stub's, a test's) counts as. */
    static final String UNKNOWN = "unknown";

    private ClientIp() {
    }

    static String of(Request request) {
        String ip = request.headers().get("cf-connecting-ip");
        return ip == null || ip.isBlank() ? UNKNOWN : ip.strip();
    }
}
