package dev.pier.control.api;

/** What an API token may do, by the names of Cloudflare's permission groups. */
public enum Permission {
    ZONE_READ("Zone Read"),
    ZONE_WRITE("Zone Write"),
    ZONE_SETTINGS_READ("Zone Settings Read"),
    ZONE_SETTINGS_WRITE("Zone Settings Write"),
    DNS_WRITE("DNS Write"),
    ZONE_WAF_WRITE("Zone WAF Write"),
    SSL_READ("SSL and Certificates Read"),
    SSL_WRITE("SSL and Certificates Write"),
    ANALYTICS_READ("Analytics Read"),
    WORKERS_ROUTES_READ("Workers Routes Read"),
    WORKERS_ROUTES_WRITE("Workers Routes Write"),
    /** The account's Workers scripts: their code, settings and Durable Object migrations (an account resource). */
    WORKERS_SCRIPTS_READ("Workers Scripts Read"),
    WORKERS_SCRIPTS_WRITE("Workers Scripts Write"),
    /** A zone's Logpush jobs and datasets (Cloudflare's Logs Read and Logs Write, "Logs: Edit" in its dashboard). */
    LOGS_READ("Logs Read"),
    LOGS_WRITE("Logs Write"),
    /** The account's IP lists: an account resource, out of reach of a token scoped to zones. */
    LISTS_READ("Account Filter Lists Read"),
    LISTS_WRITE("Account Filter Lists Write");

    private final String label;

    Permission(String label) {
        this.label = label;
    }

    /** The name as stored and as Cloudflare writes it. */
    public String label() {
        return label;
    }

    /** Whether a token holding these labels may do what this permission guards (write implies read). */
    boolean grantedBy(java.util.Set<String> labels) {
        return labels.contains(label)
                || this == ZONE_READ && (labels.contains(ZONE_WRITE.label) || labels.contains(ZONE_SETTINGS_READ.label)
                        || labels.contains(ZONE_SETTINGS_WRITE.label) || labels.contains(DNS_WRITE.label)
                        || labels.contains(ZONE_WAF_WRITE.label))
                || this == ZONE_SETTINGS_READ && labels.contains(ZONE_SETTINGS_WRITE.label)
                || this == SSL_READ && labels.contains(SSL_WRITE.label)
                || this == WORKERS_ROUTES_READ && labels.contains(WORKERS_ROUTES_WRITE.label)
                || this == WORKERS_SCRIPTS_READ && labels.contains(WORKERS_SCRIPTS_WRITE.label)
                || this == LOGS_READ && labels.contains(LOGS_WRITE.label)
                || this == LISTS_READ && labels.contains(LISTS_WRITE.label);
    }
}
