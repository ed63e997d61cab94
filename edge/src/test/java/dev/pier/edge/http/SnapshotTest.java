package dev.pier.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.config.Certificates;
import dev.pier.config.ConfigLoader;
import dev.pier.config.PierConfig;
import dev.pier.waf.WafRuntime;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new snapshot takes over from the one before what the change left alone, and builds again
 * what it touched: a setting of one zone costs neither a rule compilation nor a TLS context.
 */
class SnapshotTest {

    @TempDir
    Path dir;

    WafRuntime waf;

    @BeforeEach
    void certificates() throws Exception {
        Certificates.selfSigned("a.test").write(dir.resolve("a.pem"), dir.resolve("a.key"));
        Certificates.selfSigned("b.test").write(dir.resolve("b.pem"), dir.resolve("b.key"));
        Certificates.selfSigned("default.test").write(dir.resolve("default.pem"), dir.resolve("default.key"));
        waf = WafRuntime.local();
    }

    @AfterEach
    void close() {
        waf.close();
    }

    PierConfig config(String websocketsOfA, String pathBlockedInA, String minTlsOfB) {
        return config(websocketsOfA, pathBlockedInA, minTlsOfB, "banned: [ 192.0.2.1 ]");
    }

    PierConfig config(String websocketsOfA, String pathBlockedInA, String minTlsOfB, String lists) {
        return ConfigLoader.parse("""
                listeners: [ { address: 127.0.0.1:0, tls: on } ]
                tls: { default_certificate: { certificate: default.pem, key: default.key } }
                lists: { %s }
                zones:
                  - name: a.test
                    settings: { websockets: %s, ssl: full }
                    certificates: [ { certificate: a.pem, key: a.key } ]
                    dns_records: [ { type: A, name: a.test, content: 127.0.0.1 } ]
                    rulesets:
                      - phase: http_request_firewall_custom
                        rules: [ { action: block, expression: 'http.request.uri.path eq "%s" or ip.src in $banned' } ]
                  - name: b.test
                    settings: { min_tls_version: "%s" }
                    certificates: [ { certificate: b.pem, key: b.key } ]
                    dns_records: [ { type: A, name: b.test, content: 127.0.0.1 } ]
                    rulesets:
                      - phase: http_request_firewall_custom
                        rules: [ { action: block, expression: 'http.request.uri.path eq "/b"' } ]
                """.formatted(lists, websocketsOfA, pathBlockedInA, minTlsOfB), dir);
    }

    @Test
    void aSettingChangeTakesOverCompiledRulesAndTlsContexts() throws Exception {
        EdgeContext.Snapshot before = EdgeContext.Snapshot.of(config("on", "/a", "1.2"), waf);
        EdgeContext.Snapshot after = EdgeContext.Snapshot.of(config("off", "/a", "1.2"), waf, before);

        assertThat(after.config().zones().get(0).settings().websockets()).isFalse();
        assertThat(after.waf("a.test")).isSameAs(before.waf("a.test"));
        assertThat(after.waf("b.test")).isSameAs(before.waf("b.test"));
        assertThat(after.tls().forSni("a.test")).isSameAs(before.tls().forSni("a.test"));
        assertThat(after.tls().forSni("other.test")).as("the default").isSameAs(before.tls().forSni("other.test"));
        assertThat(after.tls().toOrigin("a.test")).isSameAs(before.tls().toOrigin("a.test"));
    }

    @Test
    void whatAChangeTouchesIsBuiltAgainAndTheRestTakenOver() throws Exception {
        EdgeContext.Snapshot before = EdgeContext.Snapshot.of(config("on", "/a", "1.2"), waf);
        EdgeContext.Snapshot after = EdgeContext.Snapshot.of(config("on", "/changed", "1.3"), waf, before);

        assertThat(after.waf("a.test")).isNotSameAs(before.waf("a.test"));
        assertThat(after.waf("b.test")).isSameAs(before.waf("b.test"));
        assertThat(after.tls().forSni("b.test")).as("b's minimum version changed").isNotSameAs(before.tls().forSni("b.test"));
        assertThat(after.tls().forSni("a.test")).isSameAs(before.tls().forSni("a.test"));
    }

    @Test
    void aCertificateRewrittenUnderItsNameIsBuiltAgain() throws Exception {
        EdgeContext.Snapshot before = EdgeContext.Snapshot.of(config("on", "/a", "1.2"), waf);
        Certificates.selfSigned("a.test").write(dir.resolve("a.pem"), dir.resolve("a.key")); // a renewal in place
        EdgeContext.Snapshot after = EdgeContext.Snapshot.of(config("on", "/a", "1.2"), waf, before);

        assertThat(after.tls().forSni("a.test")).isNotSameAs(before.tls().forSni("a.test"));
        assertThat(after.tls().forSni("b.test")).isSameAs(before.tls().forSni("b.test"));
    }

    @Test
    void newListNamesCompileEveryZoneAgain() throws Exception {
        // a rule names lists; with other lists, what compiled before may no longer be valid
        EdgeContext.Snapshot before = EdgeContext.Snapshot.of(config("on", "/a", "1.2"), waf);
        EdgeContext.Snapshot after = EdgeContext.Snapshot.of(config("on", "/a", "1.2",
                "banned: [ 192.0.2.1 ], more: [ 192.0.2.2 ]"), waf, before);

        assertThat(after.waf("b.test")).isNotSameAs(before.waf("b.test"));
    }
}
