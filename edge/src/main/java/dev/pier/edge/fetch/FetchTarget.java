package dev.pier.edge.fetch;

import java.net.URI;
import java.util.Locale;

/**
 * Where a fetch goes, read from its URL: {@code http} or {@code https}, the host and port to
 * connect to, the {@code Host} header, and the request target (path and query; the fragment is
 * never sent).
 *
 * @param tls           whether the URL is {@code https}
 * @param host          the host name or address to connect to (an IPv6 address without brackets)
 * @param port          the port, 80 or 443 when the URL names none
 * @param hostHeader    the {@code Host} header: the host, and the port when it is not the scheme's
 * @param requestTarget the path and query, {@code /} at least
 */
record FetchTarget(boolean tls, String host, int port, String hostHeader, String requestTarget) {

    /**
     * @throws IllegalArgumentException when fetch cannot load {@code url}: not http or https, no
     *         host, or a user name and password in it
     */
    static FetchTarget of(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("url: " + url + " (expected: an http or https URL; " + e.getReason() + ")", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("url: " + url + " (expected: http or https; a WebSocket is an http or https URL"
                    + " with the header Upgrade: websocket)");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("url: " + url
                    + " (expected: no user name and password in it; send an Authorization header)");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("url: " + url + " (expected: a host name or address)");
        }
        boolean tls = scheme.equals("https");
        int defaultPort = tls ? 443 : 80;
        int port = uri.getPort() < 0 ? defaultPort : uri.getPort();
        String hostHeader = port == defaultPort ? host : host + ":" + port; // an IPv6 address keeps its brackets here
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        return new FetchTarget(tls, bare, port, hostHeader, target);
    }

    /** The URL of a WebSocket handshake to this target, for Netty's handshaker (which reads its path and query). */
    URI webSocketUri() {
        return URI.create((tls ? "wss://" : "ws://") + hostHeader + requestTarget);
    }
}
