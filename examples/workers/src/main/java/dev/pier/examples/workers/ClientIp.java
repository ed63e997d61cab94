package dev.pier.examples.workers;

import dev.pier.workers.Request;

/**
 * The address of the client a request came from, as Pier's edge tells a Worker: the edge appends
 * the address it accepted the connection from to {@code X-Forwarded-For}, so the last entry is
 * the client's (the entries before it are whatever the client sent, and prove nothing).
 */
final class ClientIp {

    /** What a request that did not come through the edge (a stub's, a test's) counts as. */
    static final String UNKNOWN = "unknown";

    private ClientIp() {
    }

    static String of(Request request) {
        String forwardedFor = request.headers().get("x-forwarded-for");
        if (forwardedFor == null) {
            return UNKNOWN;
        }
        String last = forwardedFor.substring(forwardedFor.lastIndexOf(',') + 1).strip();
        return last.isEmpty() ? UNKNOWN : last;
    }
}
