package dev.pier.edge.tls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.edge.support.Chromium;
import dev.pier.edge.support.TestEdge;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real browser's WebSocket over wss:// through Pier: headless Chromium opens a page served
 * through the edge and runs `new WebSocket('wss://…')` from it, toward a ws:// and a wss:// origin.
 */
class BrowserTest extends TlsFixture {

    static Chromium chromium;

    @BeforeAll
    static void startBrowser() throws Exception {
        chromium = Chromium.start();
    }

    @AfterAll
    static void stopBrowser() throws Exception {
        chromium.close();
    }

    static final String SCRIPT = """
            const done = arguments[arguments.length - 1];
            const ws = new WebSocket('wss://' + location.host + '/echo', ['chat']);
            const got = [];
            ws.onopen = () => { for (let i = 0; i < 5; i++) ws.send('browser message ' + i); };
            ws.onmessage = (e) => { got.push(e.data); if (got.length === 5) ws.close(4000, 'browser done'); };
            ws.onclose = (e) => done({got: got, code: e.code, reason: e.reason, clean: e.wasClean,
                                      protocol: ws.protocol, extensions: ws.extensions});
            """;

    JsonNode exchangeFromThePage(TestEdge edge) throws Exception {
        chromium.open("https://localhost:" + edge.port() + "/hello");
        return chromium.runAsync(SCRIPT);
    }

    void assertEchoed(JsonNode result) {
        List<String> got = new ArrayList<>();
        result.path("got").forEach(n -> got.add(n.asText()));
        assertThat(got).containsExactly("browser message 0", "browser message 1", "browser message 2",
                "browser message 3", "browser message 4");
        assertThat(result.path("code").asInt()).isEqualTo(4000);
        assertThat(result.path("reason").asText()).isEqualTo("browser done");
        assertThat(result.path("clean").asBoolean()).isTrue();
        assertThat(result.path("protocol").asText()).isEqualTo("chat");
        assertThat(result.path("extensions").asText()).as("negotiated by browser and origin").contains("permessage-deflate");
    }

    @Test
    void browserOverWssToAPlainOrigin() throws Exception {
        for (String mode : new String[] {"off", "flexible"}) {
            try (TestEdge edge = edge(plainOrigin.port(), "ssl: " + mode, "")) {
                assertEchoed(exchangeFromThePage(edge));
            }
        }
    }

    @Test
    void browserOverWssToATlsOriginInFullAndStrictModes() throws Exception {
        try (TestEdge edge = edge(tlsOrigin.port(), "ssl: full", "")) {
            assertEchoed(exchangeFromThePage(edge));
        }
        try (TestEdge edge = edge(tlsOrigin.port(), "ssl: strict", "    origin_ca: origin.pem\n")) {
            assertEchoed(exchangeFromThePage(edge));
        }
    }
}
