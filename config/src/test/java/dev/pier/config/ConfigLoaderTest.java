package dev.pier.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    static final String MINIMAL = """
            listeners:
              - address: 127.0.0.1:8080
            zones:
              - name: example.com
                dns_records:
                  - { type: A, name: example.com, content: 127.0.0.1 }
            """;

    @Test
    void theDocumentedExampleLoads() {
        PierConfig config = ConfigLoader.load(Path.of("../examples/pier.yaml"));
        assertThat(config.listeners()).containsExactly(new ListenerConfig("127.0.0.1", 8080));
        assertThat(config.admin()).isEqualTo(new AdminConfig(new ListenerConfig("127.0.0.1", 8081)));
        assertThat(config.requestLog()).isEqualTo(Path.of("../examples/logs/requests.ndjson").toAbsolutePath().normalize());
        assertThat(config.zones()).hasSize(2);
        Zone example = config.zones().get(0);
        assertThat(example.settings()).isEqualTo(ZoneSettings.builder()
                .keepalive(Duration.ofSeconds(30)).maxMessageSize(16L << 20).build());
        assertThat(example.dnsRecords()).hasSize(3);
        assertThat(config.zones().get(1).settings().websockets()).isFalse();
        assertThat(config.timeouts()).isEqualTo(Timeouts.DEFAULTS);
    }

    @Test
    void defaultsFollowCloudflare() {
        PierConfig config = ConfigLoader.parse(MINIMAL, Path.of("."));
        assertThat(config.zones().get(0).settings()).isEqualTo(ZoneSettings.DEFAULTS);
        assertThat(ZoneSettings.DEFAULTS.idleTimeout()).isEqualTo(Duration.ofSeconds(100));
        assertThat(config.timeouts().originConnect()).isEqualTo(Duration.ofSeconds(15));
        assertThat(config.timeouts().originResponse()).isEqualTo(Duration.ofSeconds(100));
        assertThat(config.requestLog()).isNull(); // standard output
        assertThat(config.admin()).isNull();
    }

    @Test
    void websocketsAcceptsOnOffAndBooleans() {
        for (String value : new String[] {"on", "'on'", "true", "ON"}) {
            assertThat(websockets(value)).as(value).isTrue();
        }
        for (String value : new String[] {"off", "'off'", "false"}) {
            assertThat(websockets(value)).as(value).isFalse();
        }
        assertThatThrownBy(() -> websockets("maybe")).hasMessage("zones[0].settings.websockets: 'maybe' (expected: on or off)");
    }

    private static boolean websockets(String value) {
        return ConfigLoader.parse(MINIMAL.replace("  - name: example.com\n",
                "  - name: example.com\n    settings:\n      websockets: " + value + "\n"), Path.of("."))
                .zones().get(0).settings().websockets();
    }

    @Test
    void durableObjectsKeepTheirStorageInADirectoryBesideTheFileOrInPostgresql() {
        assertThat(ConfigLoader.parse(MINIMAL, Path.of("/etc/pier")).durableObjects())
                .isEqualTo(new DurableObjectsConfig(Path.of("/etc/pier/durable-objects"), null, java.time.Duration.ofSeconds(10)));
        assertThat(ConfigLoader.parse(MINIMAL + "durable_objects:\n  storage: data/objects\n  hibernate_after: 500ms\n",
                Path.of("/etc/pier")).durableObjects())
                .isEqualTo(new DurableObjectsConfig(Path.of("/etc/pier/data/objects"), null, java.time.Duration.ofMillis(500)));
        assertThat(ConfigLoader.parse(MINIMAL + "durable_objects:\n  storage: jdbc:postgresql://db:5432/pier?user=pier\n",
                Path.of("/etc/pier")).durableObjects().jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/pier?user=pier");
    }

    @Test
    void anObjectThatCannotHibernateKeepsItsCodeForFiveMinutesAfterADeployUnlessTheFileSaysOtherwise() {
        assertThat(ConfigLoader.parse(MINIMAL, Path.of(".")).durableObjects().codeUpdateMaxDelay()).as("Cloudflare's default")
                .isEqualTo(java.time.Duration.ofMinutes(5));
        assertThat(ConfigLoader.parse(MINIMAL + "durable_objects:\n  code_update_max_delay: 30s\n", Path.of(".")).durableObjects()
                .codeUpdateMaxDelay()).isEqualTo(java.time.Duration.ofSeconds(30));
        assertThat(ConfigLoader.parse(MINIMAL + "durable_objects:\n  code_update_max_delay: 0s\n", Path.of(".")).durableObjects()
                .codeUpdateMaxDelay()).as("Cloudflare's immediate mode").isZero();
        assertThat(ConfigLoader.parse(MINIMAL + "durable_objects:\n  storage: jdbc:postgresql://db:5432/pier?user=pier\n"
                + "  code_update_max_delay: 24h\n", Path.of(".")).durableObjects().codeUpdateMaxDelay()).isEqualTo(java.time.Duration.ofHours(24));
        assertError(MINIMAL + "durable_objects:\n  code_update_max_delay: 2d\n",
                "durable_objects.code_update_max_delay: '2d' (expected: 0s to 24h, as Cloudflare's max_delay)");
        assertError(MINIMAL + "durable_objects:\n  code_update_max_delay: later\n",
                "durable_objects.code_update_max_delay: 'later' (expected: a duration such as 100s, 500ms, 5m, 1h or 7d)");
    }

    @Test
    void nodesThatSharePostgresqlSayWhereTheyAreReachedWithASecretFromAFile(@TempDir Path etc) throws Exception {
        Files.writeString(etc.resolve("node.secret"), "0123456789abcdef0123\n");
        String shared = MINIMAL + "durable_objects:\n  storage: jdbc:postgresql://db:5432/pier?user=pier\n";
        DurableObjectsConfig node = ConfigLoader.parse(shared + "  node_address: 10.0.0.5:8080\n  node_secret_file: node.secret\n"
                + "  lease: 4s\n", etc).durableObjects();
        assertThat(node.nodeAddress()).isEqualTo("http://10.0.0.5:8080");
        assertThat(node.nodeSecret().matches("0123456789abcdef0123")).isTrue();
        assertThat(node.nodeSecret().matches("0123456789abcdef012")).isFalse();
        assertThat(node.nodeSecret().matches(null)).isFalse();
        assertThat(node.toString()).as("a configuration printed keeps the secret").doesNotContain("0123456789abcdef");
        assertThat(node.lease()).isEqualTo(Duration.ofSeconds(4));
        assertThat(ConfigLoader.parse(shared + "  node_address: https://node-1.internal:8443/\n  node_secret_file: node.secret\n", etc)
                .durableObjects()).satisfies(d -> {
                    assertThat(d.nodeAddress()).isEqualTo("https://node-1.internal:8443");
                    assertThat(d.lease()).isEqualTo(DurableObjectsConfig.DEFAULT_LEASE);
                });
        assertThat(ConfigLoader.parse(shared + "  node_address: \"[::1]:8080\"\n  node_secret_file: node.secret\n", etc).durableObjects()
                .nodeAddress()).isEqualTo("http://[::1]:8080");
        assertThat(ConfigLoader.parse(shared, etc).durableObjects().nodeAddress()).as("a node the others send nothing to").isNull();

        Files.writeString(etc.resolve("short.secret"), "guessable");
        assertThatThrownBy(() -> ConfigLoader.parse(shared + "  node_address: 10.0.0.5:8080\n  node_secret_file: short.secret\n", etc))
                .hasMessageContaining("durable_objects.node_secret_file: ").hasMessageContaining("the secret is 9 characters (expected: 16 or more")
                .message().doesNotContain("guessable");
        assertThatThrownBy(() -> ConfigLoader.parse(shared + "  node_address: 10.0.0.5:8080\n  node_secret_file: missing.secret\n", etc))
                .hasMessageContaining("missing.secret: cannot be read");
        assertThatThrownBy(() -> ConfigLoader.parse(shared + "  node_address: 10.0.0.5:8080\n", etc))
                .hasMessageContaining("durable_objects.node_secret_file: missing (expected: node_address and node_secret_file together");
        assertThatThrownBy(() -> ConfigLoader.parse(shared + "  node_secret_file: node.secret\n", etc))
                .hasMessageContaining("durable_objects.node_address: missing");
        for (String bad : new String[] {"10.0.0.5", "ftp://10.0.0.5:21", "http://10.0.0.5:8080/path", "http://10.0.0.5"}) {
            assertThatThrownBy(() -> ConfigLoader.parse(shared + "  node_address: " + bad + "\n  node_secret_file: node.secret\n", etc))
                    .as(bad).hasMessageContaining("durable_objects.node_address: '" + bad + "' (expected: the HOST:PORT of this node's listener");
        }
        assertThatThrownBy(() -> ConfigLoader.parse(MINIMAL + "durable_objects:\n  node_address: 10.0.0.5:8080\n", etc))
                .hasMessageContaining("durable_objects.node_address: set, but the storage is a directory (expected: only with a PostgreSQL storage");
        assertThatThrownBy(() -> ConfigLoader.parse(MINIMAL + "durable_objects:\n  lease: 5s\n", etc))
                .hasMessageContaining("durable_objects.lease: set, but the storage is a directory");
        assertThatThrownBy(() -> ConfigLoader.parse(shared + "  lease: 0s\n", etc))
                .hasMessageContaining("durable_objects.lease: '0s' (expected: a duration above zero)");
    }

    @Test
    void analyticsAreOffWithoutTheirBlockAndEmbeddedBesideTheFileWithIt() {
        Path etc = Path.of("/etc/pier");
        assertThat(ConfigLoader.parse(MINIMAL, etc).analytics()).isEqualTo(AnalyticsConfig.OFF);
        assertThat(ConfigLoader.parse(MINIMAL, etc).analytics().enabled()).isFalse();
        assertThat(ConfigLoader.parse(MINIMAL + "analytics: {}\n", etc).analytics()).isEqualTo(AnalyticsConfig.embeddedIn(etc));
        assertThat(ConfigLoader.parse(MINIMAL + "analytics:\n  store: off\n", etc).analytics().enabled()).isFalse();
        AnalyticsConfig pg = ConfigLoader.parse(MINIMAL + """
                analytics:
                  store: jdbc:postgresql://db:5432/pier?user=pier
                  spool: var/spool
                  retention:
                    raw: 2d
                    day: 730d
                    zones:
                      big.example: { raw: 1d, minute: 3d }
                """, etc).analytics();
        assertThat(pg.location()).isEqualTo("jdbc:postgresql://db:5432/pier?user=pier");
        assertThat(pg.spool()).isEqualTo(Path.of("/etc/pier/var/spool"));
        assertThat(pg.retention()).isEqualTo(new AnalyticsConfig.Retention(Duration.ofDays(2), Duration.ofDays(30), Duration.ofDays(365),
                Duration.ofDays(730)));
        assertThat(pg.perZone()).containsEntry("big.example", new AnalyticsConfig.Retention(Duration.ofDays(1), Duration.ofDays(3),
                Duration.ofDays(365), Duration.ofDays(730)));
        assertError(MINIMAL + "analytics:\n  store: jdbc:mysql://db/x\n",
                "analytics.store: 'jdbc:mysql://db/x' (expected: a DuckDB file, jdbc:postgresql://HOST:PORT/DB?user=NAME, or off)");
        assertError(MINIMAL + "analytics:\n  retention:\n    raw: 40d\n",
                "analytics.retention: raw 40d, minute 30d, hour 365d, day off (expected: raw at least 1d, and each level kept at least as long as the one before)");
        assertError(MINIMAL + "analytics:\n  retention:\n    raw: 1w\n",
                "analytics.retention.raw: '1w' (expected: a duration such as 100s, 500ms, 5m, 1h or 7d)");
    }

    @Test
    void errorsNameTheKeyAndWhatWasExpected() {
        assertError(MINIMAL.replace("type: A,", "type: AAA,"), "zones[0].dns_records[0].type: 'AAA' (expected: A, AAAA or CNAME)");
        assertError(MINIMAL.replace("127.0.0.1:8080", "127.0.0.1"), "listeners[0].address: '127.0.0.1' (expected: host:port, e.g. 127.0.0.1:8080)");
        assertError(MINIMAL.replace("listeners:", "listners:"), "listners: unknown key (expected one of: listeners, admin, request_log, timeouts, zones, tls, waf, lists, workers, durable_objects, analytics)");
        assertError(MINIMAL + "durable_objects:\n  storage: jdbc:mysql://db/x\n",
                "durable_objects.storage: 'jdbc:mysql://db/x' (expected: a directory, or jdbc:postgresql://HOST:PORT/DB?user=NAME)");
        assertError(MINIMAL + "durable_objects:\n  hibernate_after: 0s\n", "durable_objects.hibernate_after: '0s' (expected: a duration above zero)");
        assertError(MINIMAL + "lists:\n  office: [\"not-an-ip\"]\n", "lists.office[0]: 'not-an-ip' (expected: an IP address or a CIDR range such as 192.0.2.0/24)");
        assertError(MINIMAL + "waf:\n  redis: 127.0.0.1:6379\n", "waf.redis: '127.0.0.1:6379' (expected: a Redis URI such as redis://127.0.0.1:6379)");
        assertError(MINIMAL + "waf:\n  challenge_secret: short\n", "waf.challenge_secret: too short (expected: at least 16 characters");
        assertError(MINIMAL + "timeouts:\n  origin_connect: soon\n", "timeouts.origin_connect: 'soon' (expected: a duration such as 100s, 500ms, 5m, 1h or 7d)");
        assertError(MINIMAL.replace("name: example.com, content", "name: other.org, content"),
                "zones[0].dns_records[0].name: 'other.org' is not in zone example.com (expected: example.com or a name ending in .example.com)");
        assertError(MINIMAL.replace("content: 127.0.0.1", "content: origin.local"),
                "zones[0].dns_records[0].content: 'origin.local' (expected: an IPv4 address for an A record)");
        assertError("zones: []\n", "listeners: empty (expected: at least one, e.g. - address: 127.0.0.1:8080)");
        assertError("", "the file is empty (expected: at least one listener and one zone)");
        assertError("listeners: [\n", "not valid YAML");
        assertError(MINIMAL.replace("  - name: example.com\n", "  - name: example.com\n    settings:\n      max_websocket_connections: -1\n"),
                "zones[0].settings.max_websocket_connections: '-1' (expected: a number from 0 to 2147483647)");
        assertError(MINIMAL + MINIMAL.substring(MINIMAL.indexOf("  - name")), "appears twice");
    }

    @Test
    void redisTimeoutIsADurationAboveZeroAnd250msByDefault() {
        assertThat(ConfigLoader.parse(MINIMAL, Path.of(".")).waf().redisTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(ConfigLoader.parse(MINIMAL + "waf:\n  redis: redis://127.0.0.1:6379\n", Path.of(".")).waf().redisTimeout())
                .isEqualTo(Duration.ofMillis(250));
        WafConfig waf = ConfigLoader.parse(MINIMAL + "waf:\n  redis: redis://127.0.0.1:6379\n  redis_timeout: 5s\n", Path.of(".")).waf();
        assertThat(waf.redis()).isEqualTo("redis://127.0.0.1:6379");
        assertThat(waf.redisTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(ConfigLoader.parse(MINIMAL + "waf:\n  redis_timeout: 750ms\n", Path.of(".")).waf().redisTimeout())
                .isEqualTo(Duration.ofMillis(750));
        assertThat(WafConfig.DEFAULTS.redisTimeout()).isEqualTo(Duration.ofMillis(250));

        assertError(MINIMAL + "waf:\n  redis_timeout: 0ms\n", "waf.redis_timeout: '0ms' (expected: a duration above zero)");
        assertError(MINIMAL + "waf:\n  redis_timeout: 0\n", "waf.redis_timeout: '0' (expected: a duration above zero)");
        assertError(MINIMAL + "waf:\n  redis_timeout: -1s\n", "waf.redis_timeout: '-1s' (expected: a duration such as 100s, 500ms, 5m, 1h or 7d)");
        assertError(MINIMAL + "waf:\n  redis_timeout: soon\n", "waf.redis_timeout: 'soon' (expected: a duration such as 100s, 500ms, 5m, 1h or 7d)");
        assertError(MINIMAL + "waf:\n  redis_timout: 5s\n",
                "waf.redis_timout: unknown key (expected one of: redis, redis_timeout, challenge_secret, challenge_passage, challenge_difficulty, rule_budget)");
    }

    @Test
    void theRuleBudgetIsACountOfStepsWithADefault() throws Exception {
        assertThat(ConfigLoader.parse(MINIMAL, Path.of(".")).waf().ruleBudget()).isEqualTo(WafConfig.DEFAULT_RULE_BUDGET);
        assertThat(ConfigLoader.parse(MINIMAL + "waf:\n  rule_budget: 500000\n", Path.of(".")).waf().ruleBudget()).isEqualTo(500_000);
        assertError(MINIMAL + "waf:\n  rule_budget: 10\n", "waf.rule_budget: '10' (expected: a number from 1000 to 2147483647)");
        assertError(MINIMAL + "waf:\n  rule_budget: lots\n", "waf.rule_budget: 'lots' (expected: a number from 1000 to 2147483647)");
    }

    private static void assertError(String yaml, String message) {
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, Path.of("."))).isInstanceOf(ConfigException.class)
                .hasMessageContaining(message);
    }

    static final Certificates.SelfSigned CA = Certificates.selfSigned("ca.example");

    @Test
    void keepaliveMessageSizeAndTlsSettings(@TempDir Path etc) throws Exception {
        Files.createDirectories(etc.resolve("certs"));
        Files.writeString(etc.resolve("certs/ca.pem"), "the CA of our origins\n" + CA.certificatePem());
        PierConfig config = ConfigLoader.parse(MINIMAL.replace("  - name: example.com\n", """
                  - name: example.com
                    settings:
                      keepalive: 20s
                      max_message_size: 64KiB
                      ssl: strict
                      min_tls_version: "1.3"
                    certificates:
                      - { certificate: certs/a.pem, key: certs/a.key }
                    origin_ca: certs/ca.pem
                """).replace("127.0.0.1:8080", "127.0.0.1:8443\n    tls: on"), etc);
        Zone zone = config.zones().get(0);
        assertThat(zone.settings().keepalive()).isEqualTo(Duration.ofSeconds(20));
        assertThat(zone.settings().maxMessageSize()).isEqualTo(65536);
        assertThat(zone.settings().ssl()).isEqualTo(SslMode.STRICT);
        assertThat(zone.settings().minTlsVersion()).isEqualTo("1.3");
        assertThat(zone.certificates()).containsExactly(new CertificateFiles(etc.resolve("certs/a.pem"), etc.resolve("certs/a.key")));
        assertThat(zone.originCa()).as("read from its file, re-encoded").isEqualTo(CA.certificatePem());

        // origin_ca may also be the PEM text itself (what `pier export` writes)
        String inline = MINIMAL.replace("  - name: example.com\n", "  - name: example.com\n    origin_ca: |\n"
                + CA.certificatePem().indent(6));
        assertThat(ConfigLoader.parse(inline, etc).zones().get(0).originCa()).isEqualTo(CA.certificatePem());
        assertThatThrownBy(() -> ConfigLoader.parse(MINIMAL.replace("  - name: example.com\n",
                "  - name: example.com\n    origin_ca: certs/missing.pem\n"), etc)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("zones[0].origin_ca: " + etc.resolve("certs/missing.pem") + " cannot be read");
        assertThatThrownBy(() -> ConfigLoader.parse(MINIMAL.replace("  - name: example.com\n",
                "  - name: example.com\n    origin_ca: \"-----BEGIN CERTIFICATE-----\\nnope\"\n"), etc)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("zones[0].origin_ca: not a PEM certificate chain");
        assertThat(config.listeners().get(0).tls()).isTrue();

        assertError(MINIMAL.replace("  - name: example.com\n", "  - name: example.com\n    settings:\n      ssl: maybe\n"),
                "zones[0].settings.ssl: 'maybe' (expected: off, flexible, full or strict)");
        assertError(MINIMAL.replace("  - name: example.com\n", "  - name: example.com\n    settings:\n      min_tls_version: \"1.1\"\n"),
                "zones[0].settings.min_tls_version: '1.1' (expected: 1.2 or 1.3)");
        assertError(MINIMAL.replace("  - name: example.com\n", "  - name: example.com\n    settings:\n      max_message_size: lots\n"),
                "zones[0].settings.max_message_size: 'lots' (expected: a size such as 65536, 64KiB or 16MiB)");
        assertError(MINIMAL.replace("127.0.0.1:8080", "127.0.0.1:8443\n    tls: on"),
                "a TLS listener needs certificates");
        assertError(MINIMAL + "tls:\n  unknown_sni: default\n", "tls.unknown_sni: default, but there is no default_certificate");
    }

    @Test
    void urlNormalizationIsCloudflaresSettingWithCloudflaresDefault() {
        assertThat(ConfigLoader.parse(MINIMAL, Path.of(".")).zones().get(0).settings().urlNormalization())
                .isEqualTo(new UrlNormalization(UrlNormalization.Type.CLOUDFLARE, UrlNormalization.Scope.INCOMING));
        assertThat(urlNormalization("{ type: rfc3986, scope: both }"))
                .isEqualTo(new UrlNormalization(UrlNormalization.Type.RFC3986, UrlNormalization.Scope.BOTH));
        assertThat(urlNormalization("{ scope: none }"))
                .isEqualTo(new UrlNormalization(UrlNormalization.Type.CLOUDFLARE, UrlNormalization.Scope.NONE));
        assertThat(urlNormalization("{ type: rfc3986 }"))
                .isEqualTo(new UrlNormalization(UrlNormalization.Type.RFC3986, UrlNormalization.Scope.INCOMING));
        assertThatThrownBy(() -> urlNormalization("{ type: strict }"))
                .hasMessage("zones[0].settings.url_normalization.type: 'strict' (expected: cloudflare or rfc3986)");
        assertThatThrownBy(() -> urlNormalization("{ scope: outgoing }"))
                .hasMessage("zones[0].settings.url_normalization.scope: 'outgoing' (expected: incoming, both or none)");
        assertThatThrownBy(() -> urlNormalization("{ type: cloudflare, scope: both, merge_slashes: on }"))
                .hasMessage("zones[0].settings.url_normalization.merge_slashes: unknown key (expected one of: type, scope)");
        assertThatThrownBy(() -> urlNormalization("cloudflare"))
                .hasMessage("zones[0].settings.url_normalization: expected a mapping such as { type: cloudflare, scope: incoming }");
    }

    private static UrlNormalization urlNormalization(String value) {
        return ConfigLoader.parse(MINIMAL.replace("  - name: example.com\n",
                "  - name: example.com\n    settings:\n      url_normalization: " + value + "\n"), Path.of(".")).zones().get(0)
                .settings().urlNormalization();
    }

    /** Cloudflare's security_header in the file: the API's shape, off by default, and the API's "expected: ..." text. */
    @Test
    void securityHeaderIsCloudflaresSettingInTheApisShape() {
        assertThat(ConfigLoader.parse(MINIMAL, Path.of(".")).zones().get(0).settings().securityHeader()).isEqualTo(SecurityHeader.OFF);
        assertThat(securityHeader("{ strict_transport_security: { enabled: true, max_age: 31536000, include_subdomains: true, "
                + "preload: true, nosniff: true } }")).isEqualTo(new SecurityHeader(true, 31_536_000, true, true, true));
        assertThat(securityHeader("{ strict_transport_security: { enabled: true, max_age: 600 } }"))
                .isEqualTo(new SecurityHeader(true, 600, false, false, false));
        String expected = " (expected: " + ZoneSetting.SECURITY_HEADER.expected() + ")";
        assertThatThrownBy(() -> securityHeader("strict"))
                .hasMessage("zones[0].settings.security_header: \"strict\"" + expected);
        assertThatThrownBy(() -> securityHeader("{ strict_transport_security: { enabled: sure } }"))
                .hasMessage("zones[0].settings.security_header: {\"strict_transport_security\":{\"enabled\":\"sure\"}}" + expected);
        assertThatThrownBy(() -> securityHeader("{ strict_transport_security: { max_age: 63072001 } }"))
                .hasMessageEndingWith(expected);
        assertThat(ZoneSetting.SECURITY_HEADER.expected()).startsWith("{\"strict_transport_security\": {\"enabled\": true or false");
    }

    private static SecurityHeader securityHeader(String value) {
        return ConfigLoader.parse(MINIMAL.replace("  - name: example.com\n",
                "  - name: example.com\n    settings:\n      security_header: " + value + "\n"), Path.of(".")).zones().get(0)
                .settings().securityHeader();
    }

    @Test
    void aFileThatCannotBeReadSaysSo(@TempDir Path dir) {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("missing.yaml")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("missing.yaml: cannot be read");
    }

    @Test
    void fileErrorsArePrefixedWithTheFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), MINIMAL.replace("type: A", "type: MX"));
        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessageStartingWith(file + ": zones[0].dns_records[0].type");
    }
    private static AdminConfig admin(String keys, Path dir) {
        return ConfigLoader.parse(MINIMAL + "admin:\n  address: 127.0.0.1:8081\n" + keys, dir).admin();
    }

    @Test
    void adminAllowedHostsAreNamesWrittenAsTheHostHeaderIsCompared(@TempDir Path dir) {
        assertThat(admin("  allowed_hosts: [Admin.Example.COM., pier-admin.internal]\n", dir).allowedHosts())
                .containsExactlyInAnyOrder("admin.example.com", "pier-admin.internal");
        assertThat(admin("", dir)).isEqualTo(new AdminConfig(new ListenerConfig("127.0.0.1", 8081)));
        assertThatThrownBy(() -> admin("  allowed_hosts: [admin.example.com:8081]\n", dir))
                .hasMessage("admin.allowed_hosts[0]: 'admin.example.com:8081' (expected: a host name such as example.com)");
        assertThatThrownBy(() -> admin("  allowed_hosts: [ok.example, 'http://admin.example.com']\n", dir))
                .hasMessageStartingWith("admin.allowed_hosts[1]: 'http://admin.example.com'");
        assertThatThrownBy(() -> admin("  allowed_hosts: ['*.example.com']\n", dir)).hasMessageStartingWith("admin.allowed_hosts[0]");
        assertThatThrownBy(() -> admin("  allowed_hosts: admin.example.com\n", dir)).hasMessage("admin.allowed_hosts: expected a list");
        assertThatThrownBy(() -> admin("  metrics_token: x\n", dir))
                .hasMessage("admin.metrics_token: unknown key (expected one of: address, allowed_hosts, metrics_token_file)");
    }

    @Test
    void theMetricsTokenIsReadFromItsFileAndNeverShown(@TempDir Path dir) throws Exception {
        String secret = "0123456789abcdef0123456789abcdef";
        Files.writeString(dir.resolve("metrics.token"), secret + "\n"); // a trailing newline, as `openssl rand -hex` writes it
        AdminConfig admin = admin("  metrics_token_file: metrics.token\n", dir);
        assertThat(admin.metricsToken().matches(secret)).isTrue();
        assertThat(admin.metricsToken().matches(secret + "\n")).isFalse();
        assertThat(admin.metricsToken().matches(secret.substring(1))).isFalse();
        assertThat(admin.metricsToken().matches(null)).isFalse();
        assertThat(admin.toString()).doesNotContain(secret);
        assertThat(admin).isEqualTo(admin("  metrics_token_file: metrics.token\n", dir)); // a reload of the same file changes nothing

        Files.writeString(dir.resolve("short.token"), "abc123");
        assertThatThrownBy(() -> admin("  metrics_token_file: short.token\n", dir)).hasMessage("admin.metrics_token_file: "
                + dir.resolve("short.token") + ": the token is 6 characters (expected: 16 or more of A-Z a-z 0-9 - . _ ~ + /,"
                + " e.g. from `openssl rand -hex 32`)");
        Files.writeString(dir.resolve("spaced.token"), "0123456789 abcdef0123456789");
        assertThatThrownBy(() -> admin("  metrics_token_file: spaced.token\n", dir))
                .hasMessageContaining("expected: 16 or more").hasMessageNotContaining("0123456789 abcdef");
        assertThatThrownBy(() -> admin("  metrics_token_file: nosuch.token\n", dir))
                .hasMessage("admin.metrics_token_file: " + dir.resolve("nosuch.token") + ": cannot be read (NoSuchFileException)");
    }
}
