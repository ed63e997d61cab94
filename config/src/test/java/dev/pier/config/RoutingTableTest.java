package dev.pier.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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
        assertThat(routes.resolve("api.example.com").originHost()).isEqualTo("10.0.0.2");
        assertThat(routes.resolve("example.com").originHost()).isEqualTo("10.0.0.1");
    }

    @Test
    void theLongestWildcardWins() {
        assertThat(routes.resolve("x.eu.example.com").originHost()).isEqualTo("eu.origin");
        assertThat(routes.resolve("x.us.example.com").originHost()).isEqualTo("wild.origin");
        assertThat(routes.resolve("deep.a.b.example.com").originHost()).isEqualTo("wild.origin");
    }

    @Test
    void hostHeadersAreNormalised() {
        assertThat(routes.resolve("API.Example.COM:8443").originHost()).isEqualTo("10.0.0.2");
        assertThat(routes.resolve("example.com.").originHost()).isEqualTo("10.0.0.1");
        assertThat(routes.resolve("example.org").zone().name()).isEqualTo("example.org");
    }

    @Test
    void unknownHostsHaveNoRoute() {
        assertThat(routes.resolve("example.net")).isNull();
        assertThat(routes.resolve("notexample.com")).isNull();
        assertThat(routes.resolve("")).isNull();
        assertThat(routes.resolve(null)).isNull();
    }
}
