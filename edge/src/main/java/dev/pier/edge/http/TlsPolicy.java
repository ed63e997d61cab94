package dev.pier.edge.http;

import dev.pier.edge.error.EdgeError;
import dev.pier.edge.error.EdgeException;
import dev.pier.config.Certificates;
import dev.pier.config.Route;
import dev.pier.config.RoutingTable;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLSession;

/**
 * What every request on a TLS connection must satisfy, whatever the handshake was made for:
 * the certificate the connection presented covers the request's host (RFC 9110 §4.3.4: a
 * connection speaks only for the names its certificate covers; otherwise 421, §15.5.20), and the
 * connection's TLS version is at least the {@code min_tls_version} of the zone the host belongs
 * to. The handshake already applies the minimum of the zone SNI named; this check holds it for a
 * handshake made for another name, or with no SNI (the default certificate), and for each
 * request of a keep-alive connection, whose {@code Host} may change from one request to the
 * next. Plain HTTP connections have no TLS session and are not concerned.
 *
 * <p>"Covers" is what a client checking the certificate accepts (RFC 6125 §6.4): a subjectAltName
 * equal to the host, or a wildcard {@code *.parent} for a host one label below {@code parent};
 * IP addresses compare as addresses.
 */
final class TlsPolicy {

    private static final AttributeKey<Session> SESSION = AttributeKey.valueOf(TlsPolicy.class, "session");

    /**
     * The names each certificate covers, read from it once: connections present the same few
     * certificate objects again and again. Weak keys: a certificate no zone serves any more
     * leaves the map with its last session. The lookup finds a certificate by identity first.
     */
    private static final Map<X509Certificate, Set<String>> NAMES = Collections.synchronizedMap(new WeakHashMap<>());

    private TlsPolicy() {
    }

    /** The TLS facts of a connection that requests are checked against, read once per connection. */
    private record Session(String protocol, Set<String> names, String sni) {
    }

    /** What a plain HTTP connection has: no session. */
    private static final Session PLAIN = new Session(null, Set.of(), null);

    /**
     * The refusal for a request whose {@code Host} header is {@code hostHeader}, routed to
     * {@code route}, on {@code channel}; null when the request may go on (always, on plain HTTP).
     */
    static EdgeException refusal(Channel channel, String hostHeader, Route route) {
        Session session = session(channel);
        if (session == PLAIN) {
            return null;
        }
        String host = normalized(RoutingTable.hostOnly(hostHeader));
        if (!covers(session.names(), host)) {
            return EdgeException.of(EdgeError.MISDIRECTED_REQUEST, "Host " + host + " is not a name of the "
                    + "certificate this connection presented (" + (session.sni() == null ? "no SNI" : "SNI " + session.sni()) + ").");
        }
        String minimum = route.zone().settings().minTlsVersion();
        if (version(session.protocol()) < version("TLSv" + minimum)) {
            return EdgeException.of(EdgeError.TLS_VERSION_TOO_OLD, "The zone " + route.zone().name()
                    + " requires TLS " + minimum + " or later; this connection uses " + session.protocol() + ".");
        }
        return null;
    }

    /**
     * The connection's TLS facts, read from its session on its first request and kept on the
     * channel for the next ones; {@link #PLAIN} without TLS, which keeps nothing on the channel (an
     * attribute costs a plain connection 40 bytes for as long as it lives).
     */
    private static Session session(Channel channel) {
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        if (tls == null) {
            return PLAIN; // asked before attr(): attr() makes the attribute it is asked for
        }
        Attribute<Session> kept = channel.attr(SESSION);
        Session session = kept.get();
        if (session == null) {
            SSLSession ssl = tls.engine().getSession();
            session = new Session(ssl.getProtocol(), names(ssl.getLocalCertificates()), sni(ssl));
            kept.set(session);
        }
        return session;
    }

    /** The names the leaf certificate presented covers (none when there was none: nothing is covered). */
    private static Set<String> names(Certificate[] presented) {
        if (presented != null && presented.length > 0 && presented[0] instanceof X509Certificate leaf) {
            return NAMES.computeIfAbsent(leaf, TlsPolicy::names);
        }
        return Set.of();
    }

    private static Set<String> names(X509Certificate leaf) {
        Set<String> names = new HashSet<>();
        for (String name : Certificates.dnsNames(leaf)) {
            names.add(normalized(name));
        }
        return Set.copyOf(names);
    }

    private static String sni(SSLSession ssl) {
        if (ssl instanceof ExtendedSSLSession extended) {
            for (SNIServerName name : extended.getRequestedServerNames()) {
                if (name instanceof SNIHostName host) {
                    return host.getAsciiName();
                }
            }
        }
        return null;
    }

    private static boolean covers(Set<String> names, String host) {
        if (names.contains(host)) {
            return true;
        }
        int dot = host.indexOf('.');
        boolean address = NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host);
        return dot > 0 && !address && names.contains("*" + host.substring(dot));
    }

    /** An IP address in one spelling ({@code ::1} and {@code 0:0:0:0:0:0:0:1} are one address); a name as it is. */
    private static String normalized(String name) {
        if (NetUtil.isValidIpV4Address(name) || NetUtil.isValidIpV6Address(name)) {
            InetAddress address = NetUtil.createInetAddressFromIpAddressString(name);
            if (address != null) {
                return NetUtil.toAddressString(address);
            }
        }
        return name;
    }

    /** "TLSv1.3" → 13, "TLSv1.2" → 12; anything else (older, or unknown) → 0, below every minimum. */
    private static int version(String protocol) {
        return switch (protocol) {
            case "TLSv1.3" -> 13;
            case "TLSv1.2" -> 12;
            default -> 0;
        };
    }
}
