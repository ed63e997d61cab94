package dev.pier.edge.admin;

import dev.pier.config.RoutingTable;
import dev.pier.edge.http.RequestTarget;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.NetUtil;
import java.util.Set;

/**
 * Which requests name a host the admin listener answers to. A browser sends the name of the page
 * it loaded in {@code Host}; a page whose DNS name an attacker points at this listener (DNS
 * rebinding) therefore arrives with the attacker's name, and is refused before any route sees it.
 *
 * <p>Always answered: {@code localhost} and IP addresses (an address is not a name, so it cannot
 * be rebound; this also keeps a listener on {@code 0.0.0.0} reachable at each of the machine's
 * addresses). Besides those, the names in {@code admin.allowed_hosts}. The port is not compared:
 * rebinding changes the name, never the port, and a reverse proxy in front may send its own.
 */
final class AdminHosts {

    /** Why a request is refused: the status and a sentence for the client (it never quotes the request). */
    record Refusal(HttpResponseStatus status, String message) {
    }

    private static final Refusal MISDIRECTED = new Refusal(HttpResponseStatus.MISDIRECTED_REQUEST,
            "This admin listener does not answer to the host name this request was sent to."
                    + " Its operator can add the name to admin.allowed_hosts.\n");
    private static final Refusal NO_HOST = new Refusal(HttpResponseStatus.BAD_REQUEST,
            "A request needs exactly one Host header (RFC 9112 section 3.2).\n");

    private AdminHosts() {
    }

    /**
     * Null when {@code request} may be served, else why not. An absolute-form target
     * ({@code GET http://name/metrics}) is made origin-form first and its authority is the host
     * checked, as RFC 9112 §3.2.2 has a server read it.
     *
     * @param allowed the configured names (lower case, no trailing dot)
     */
    static Refusal check(HttpRequest request, Set<String> allowed) {
        String problem = RequestTarget.normalize(request);
        if (problem != null) {
            return new Refusal(HttpResponseStatus.BAD_REQUEST, "Bad request: " + problem + "\n");
        }
        String host = request.headers().get(HttpHeaderNames.HOST);
        if (host == null) {
            return NO_HOST;
        }
        String name = RoutingTable.hostOnly(host);
        if (name.equals("localhost") || NetUtil.isValidIpV4Address(name) || NetUtil.isValidIpV6Address(name)
                || allowed.contains(name)) {
            return null;
        }
        return MISDIRECTED;
    }
}
