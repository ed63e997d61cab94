package dev.pier.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The registry is the one definition: every path through it (API, store, file) agrees for every setting. */
class ZoneSettingTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Settings with every one away from its default. */
    static final ZoneSettings CHANGED = ZoneSettings.builder().websockets(false).idleTimeout(Duration.ofSeconds(60))
            .maxWebSocketConnections(7).keepalive(Duration.ofSeconds(20)).maxMessageSize(1 << 20).ssl(SslMode.STRICT)
            .minTlsVersion("1.3").proxyReadTimeout(Duration.ofSeconds(30))
            .urlNormalization(new UrlNormalization(UrlNormalization.Type.RFC3986, UrlNormalization.Scope.BOTH))
            .securityHeader(new SecurityHeader(true, 600, true, false, true)).build();

    @Test
    void everyRecordComponentHasOneEntryAndEveryEntryIsDistinct() {
        assertThat(ZoneSetting.ALL).hasSize(ZoneSettings.class.getRecordComponents().length);
        Set<String> ids = new HashSet<>();
        Set<String> keys = new HashSet<>();
        for (ZoneSetting<?> s : ZoneSetting.ALL) {
            assertThat(ids.add(s.apiId())).as(s.apiId()).isTrue();
            assertThat(keys.add(s.yamlKey())).as(s.yamlKey()).isTrue();
            assertThat(ZoneSetting.byApiId(s.apiId())).isSameAs(s);
        }
        // the fixture changes every setting, so a new entry cannot go unexercised below
        for (ZoneSetting<?> s : ZoneSetting.ALL) {
            assertThat(s.storedValue(CHANGED)).as(s.apiId()).isNotNull();
        }
    }

    @Test
    void theApiShapeRoundTripsEverySettingAndDefaultsAreNotStored() {
        ZoneSettings.Builder fromApi = ZoneSettings.builder();
        for (ZoneSetting<?> s : ZoneSetting.ALL) {
            s.setFromApi(fromApi, s.apiValue(CHANGED));
            assertThat(s.storedValue(ZoneSettings.DEFAULTS)).as(s.apiId()).isNull();
            assertThat(s.apiDefault()).as(s.apiId()).isEqualTo(s.apiValue(ZoneSettings.DEFAULTS));
        }
        assertThat(fromApi.build()).isEqualTo(CHANGED);
    }

    @Test
    void theFileShapeRoundTripsEverySetting() throws Exception {
        ObjectNode settings = YAML.createObjectNode();
        ZoneSetting.ALL.forEach(s -> s.putYaml(settings, CHANGED));
        String yaml = "listeners: [ { address: 127.0.0.1:8080 } ]\nzones:\n  - name: example.com\n    settings: "
                + YAML.writeValueAsString(settings).replace("---", "").replace("\n", "\n      ") + "\n";
        assertThat(ConfigLoader.parse(yaml, Path.of(".")).zones().get(0).settings()).isEqualTo(CHANGED);
    }

    /** proxy_read_timeout's one truth: unset means the node's timeout, which the API shows as the node default's seconds. */
    @Test
    void anUnsetProxyReadTimeoutIsTheNodesAndTheApiShowsTheNodeDefault() {
        assertThat(ZoneSettings.DEFAULTS.proxyReadTimeout()).isNull();
        assertThat(ZoneSettings.DEFAULTS.originResponse(Duration.ofSeconds(42))).isEqualTo(Duration.ofSeconds(42));
        assertThat(ZoneSetting.PROXY_READ_TIMEOUT.apiDefault().asText())
                .isEqualTo(Long.toString(Timeouts.DEFAULTS.originResponse().toSeconds())).isEqualTo("100");
    }

    @Test
    void aBadApiValueSaysWhatIsExpected() {
        assertThatThrownBy(() -> ZoneSetting.SSL.fromApi(com.fasterxml.jackson.databind.node.TextNode.valueOf("maybe")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(ZoneSetting.SSL.expected());
    }
}
