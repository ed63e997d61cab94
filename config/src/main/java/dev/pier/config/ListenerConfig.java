package dev.pier.config;

/**
 * A TCP address to listen on.
 *
 * @param host an IP address or host name to bind
 * @param port the port; 0 picks a free one (tests)
 * @param tls  whether the listener terminates TLS (https:// and wss://)
 */
public record ListenerConfig(String host, int port, boolean tls) {

    public ListenerConfig(String host, int port) {
        this(host, port, false);
    }

    public ListenerConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host: '" + host + "' (expected: an address to bind)");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
    }

    /** Parses {@code host:port} or {@code [v6]:port}. */
    public static ListenerConfig parse(String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException(
                    "'" + address + "' (expected: host:port, e.g. 127.0.0.1:8080)");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return new ListenerConfig(host, Integer.parseInt(address.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "'" + address + "' (expected: host:port with a numeric port)");
        }
    }

    public ListenerConfig withTls(boolean tls) {
        return new ListenerConfig(host, port, tls);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port + (tls ? " (TLS)" : "");
    }
}
