package dev.pier.config;

/**
 * Where a request for one host name goes, before origin rules.
 *
 * @param zone   the zone the host name belongs to
 * @param record the DNS record that matched
 * @param target what the route ends in: the record's origin, on the request's port, in the zone's SSL mode
 */
public record Route(Zone zone, DnsRecord record, RouteTarget target) {

    /** The route of a proxied record: its content is the origin, spoken to in the zone's SSL mode. */
    static Route toOrigin(Zone zone, DnsRecord record) {
        return new Route(zone, record,
                new RouteTarget.Origin(record.content(), RouteTarget.Origin.LISTENER_PORT, zone.settings().ssl()));
    }
}
