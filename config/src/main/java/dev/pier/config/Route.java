package dev.pier.config;

/**
 * Where a request for one host name goes.
 *
 * @param zone       the zone the host name belongs to
 * @param record     the DNS record that matched
 * @param originHost the origin address or host name to connect to
 * @param originPort the port from an origin rule, or -1 for "the port the client used"
 */
public record Route(Zone zone, DnsRecord record, String originHost, int originPort) {

    /** The origin port for a client that connected to {@code listenerPort}. */
    public int originPortFor(int listenerPort) {
        return originPort > 0 ? originPort : listenerPort;
    }
}
