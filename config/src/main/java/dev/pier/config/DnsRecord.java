package dev.pier.config;

/**
 * A proxied DNS record: requests for {@code name} go to the origin at {@code content}.
 *
 * @param type    A (IPv4 origin), AAAA (IPv6 origin) or CNAME (origin host name)
 * @param name    an exact host name or a wildcard {@code *.example.com}, lower case
 * @param content the origin address or host name
 */
public record DnsRecord(Type type, String name, String content) {

    /** Record types that can route to an origin. */
    public enum Type { A, AAAA, CNAME }

    public boolean isWildcard() {
        return name.startsWith("*.");
    }
}
