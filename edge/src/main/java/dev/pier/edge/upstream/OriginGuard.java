package dev.pier.edge.upstream;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * The origin addresses the edge refuses to connect to, whatever a zone's DNS records or origin
 * rules say (Cloudflare's error 1000, "DNS points to prohibited IP"): the edge's own listening
 * sockets (its proxy listeners, where a request would loop back into the edge, and its admin
 * listener, which must stay reachable from this machine only) and link-local addresses
 * (169.254.0.0/16, with cloud metadata services at 169.254.169.254, and fe80::/10). Loopback and
 * private origins on other ports are allowed: they are the normal case for a self-hosted edge.
 *
 * <p>Checked on the resolved address just before the connect system call, so a host name that
 * resolves to a prohibited address is caught too. The common case costs a port comparison per
 * listener and allocates nothing.
 */
public final class OriginGuard {

    /** Refuses link-local addresses only: for an edge whose listeners are not known. */
    public static final OriginGuard NONE = new OriginGuard(new int[0], new InetAddress[0], Set.of());

    /** The edge's listening ports, and the address each is bound to (a wildcard address for all). */
    private final int[] ports;
    private final InetAddress[] bound;
    /** This machine's interface addresses when the guard was made. */
    private final Set<InetAddress> local;

    private OriginGuard(int[] ports, InetAddress[] bound, Set<InetAddress> local) {
        this.ports = ports;
        this.bound = bound;
        this.local = local;
    }

    /**
     * A guard for an edge listening on {@code listeners} (resolved addresses; unresolved ones are
     * skipped). Reads this machine's interface addresses once, here.
     */
    public static OriginGuard of(Collection<InetSocketAddress> listeners) {
        int[] ports = new int[listeners.size()];
        InetAddress[] bound = new InetAddress[listeners.size()];
        int n = 0;
        for (InetSocketAddress listener : listeners) {
            if (listener != null && listener.getAddress() != null && listener.getPort() > 0) {
                ports[n] = listener.getPort();
                bound[n] = listener.getAddress();
                n++;
            }
        }
        return new OriginGuard(Arrays.copyOf(ports, n), Arrays.copyOf(bound, n), interfaceAddresses());
    }

    private static Set<InetAddress> interfaceAddresses() {
        Set<InetAddress> addresses = new HashSet<>();
        try {
            NetworkInterface.networkInterfaces().forEach(i -> i.inetAddresses().forEach(addresses::add));
        } catch (SocketException | RuntimeException e) {
            // loopback and wildcard addresses are still recognised without the list
        }
        return Set.copyOf(addresses);
    }

    /** Why the edge must not connect to {@code origin}, or null when it may. */
    public String refusal(InetSocketAddress origin) {
        InetAddress address = origin.getAddress();
        if (address == null) {
            return null; // not resolved: the connect fails by itself
        }
        if (address.isLinkLocalAddress()) {
            return "the origin address " + address.getHostAddress() + " is link-local";
        }
        int port = origin.getPort();
        for (int i = 0; i < ports.length; i++) {
            if (ports[i] == port && reaches(address, bound[i])) {
                return "the origin address " + address.getHostAddress() + " port " + port + " is this edge's own listener";
            }
        }
        return null;
    }

    /** Whether connecting to {@code target} reaches a socket bound to {@code listener} on the same port. */
    private boolean reaches(InetAddress target, InetAddress listener) {
        // Connecting to 0.0.0.0 or :: reaches this machine's loopback.
        boolean local = target.isAnyLocalAddress() || target.isLoopbackAddress();
        if (listener.isAnyLocalAddress()) {
            return local || this.local.contains(target);
        }
        return target.equals(listener) || local && listener.isLoopbackAddress();
    }
}
