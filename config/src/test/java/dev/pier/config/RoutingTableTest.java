package dev.pier.config;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoutingTableTest {

    final RoutingTable routes = ConfigLoader.parse("""
            listeners:
              - address: 127.0.0.1:8080
            zones:
              - name: example.com
                dns_records:
                  - { type: A, name: example.com, content: 10.0.0.1 }
                  - { type: CNAME, name: "*.example.com", content: wild.origin }
                  - { type: CNAME, name: "*.eu.example.com", content: eu.origin }
                  - { type: A, name: api.example.com, content: 10.0.0.2 }
              - name: example.org
                dns_records:
                  - { type: AAAA, name: example.org, content: "2001:db8::1" }
            """, Path.of(".")).routingTable();

    @Test
    void exactNamesWinOverWildcards() {
        assertThat(originHost(routes.resolve("api.example.com"))).isEqualTo("10.0.0.2");
        assertThat(originHost(routes.resolve("example.com"))).isEqualTo("10.0.0.1");
    }

    @Test
    void theLongestWildcardWins() {
        assertThat(originHost(routes.resolve("x.eu.example.com"))).isEqualTo("eu.origin");
        assertThat(originHost(routes.resolve("x.us.example.com"))).isEqualTo("wild.origin");
        assertThat(originHost(routes.resolve("deep.a.b.example.com"))).isEqualTo("wild.origin");
    }

    @Test
    void hostHeadersAreNormalised() {
        assertThat(originHost(routes.resolve("API.Example.COM:8443"))).isEqualTo("10.0.0.2");
        assertThat(originHost(routes.resolve("example.com."))).isEqualTo("10.0.0.1");
        assertThat(routes.resolve("example.org").zone().name()).isEqualTo("example.org");
    }

    @Test
    void anOriginRuleHostMeansARecordOfItsOwnZoneOnly() {
        assertThat(routes.originFor("example.com", "api.example.com")).isEqualTo("10.0.0.2");
        // example.org's origin rules cannot reach example.com's origins through its records
        assertThat(routes.originFor("example.org", "api.example.com")).isEqualTo("api.example.com");
        assertThat(routes.originFor("example.com", "example.org")).isEqualTo("example.org");
        assertThat(routes.originFor("example.com", "backend.internal")).isEqualTo("backend.internal");
    }

    @Test
    void unknownHostsHaveNoRoute() {
        assertThat(routes.resolve("example.net")).isNull();
        assertThat(routes.resolve("notexample.com")).isNull();
        assertThat(routes.resolve("")).isNull();
        assertThat(routes.resolve(null)).isNull();
    }

    static DnsRecord a(String name, String content) {
        return new DnsRecord(DnsRecord.Type.A, name, content);
    }

    @Test
    void aNestedZoneOwnsItsNamesWhateverItsParentHoldsOrTheOrderTheyComeIn() {
        // as a store could hold them: the parent wrote a record for the nested zone's name
        Zone parent = new Zone("example.com", ZoneSettings.DEFAULTS, List.of(
                a("example.com", "10.0.0.1"), a("*.example.com", "10.0.0.9"), a("api.sub.example.com", "10.6.6.6"),
                a("*.sub.example.com", "10.6.6.7")));
        Zone nested = new Zone("sub.example.com", ZoneSettings.DEFAULTS, List.of(
                a("sub.example.com", "10.0.1.1"), a("api.sub.example.com", "10.0.1.2")));
        for (List<Zone> zones : List.of(List.of(parent, nested), List.of(nested, parent))) {
            RoutingTable table = RoutingTable.of(zones);
            assertThat(originHost(table.resolve("api.sub.example.com"))).isEqualTo("10.0.1.2");
            assertThat(originHost(table.resolve("sub.example.com"))).isEqualTo("10.0.1.1");
            assertThat(table.resolve("other.sub.example.com")).as("the parent's wildcards stop at the nested zone").isNull();
            assertThat(originHost(table.resolve("x.example.com"))).isEqualTo("10.0.0.9");
            assertThat(originHost(table.resolve("example.com"))).isEqualTo("10.0.0.1");
        }
    }

    @Test
    void aFileGivingAParentZoneANestedZonesNameIsRefused() {
        assertThatThrownBy(() -> ConfigLoader.parse("""
                listeners: [ { address: 127.0.0.1:8080 } ]
                zones:
                  - name: example.com
                    dns_records: [ { type: A, name: api.sub.example.com, content: 10.6.6.6 } ]
                  - name: sub.example.com
                    dns_records: [ { type: A, name: sub.example.com, content: 10.0.1.1 } ]
                """, Path.of("."))).hasMessageContaining("'api.sub.example.com' belongs to zone sub.example.com");
    }

    @Test
    void aRouteEndsInItsRecordsOriginOnTheRequestsPortInTheZonesSslMode() {
        RoutingTable table = ConfigLoader.parse("""
                listeners:
                  - address: 127.0.0.1:8080
                zones:
                  - name: example.com
                    settings: { ssl: strict }
                    dns_records:
                      - { type: A, name: example.com, content: 10.0.0.1 }
                """, Path.of(".")).routingTable();
        assertThat(table.resolve("example.com").target())
                .isEqualTo(new RouteTarget.Origin("10.0.0.1", RouteTarget.Origin.LISTENER_PORT, SslMode.STRICT));
    }

    private static String originHost(Route route) {
        return route.target() instanceof RouteTarget.Origin origin ? origin.host() : null;
    }
}
